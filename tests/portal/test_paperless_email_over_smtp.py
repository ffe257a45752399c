"""Opt in to e-facture on the page, issue an invoice, and its e-mail arrives through a real SMTP
conversation (aiosmtpd on loopback): the amount to the cent, the date to pay by, the link to the
invoice page, the PDF of that invoice; once."""

import re

from django.urls import reverse
from facturx import get_xml_from_pdf

from telcobill.billing.models import Invoice
from telcobill.customers.models import BillingAccount
from telcobill.workflows.invoice_email import send_invoice_emails
from tests.loopback import smtp_server, subject  # noqa: F401  (the `smtp` fixture)


def test_opting_in_on_the_page_brings_the_next_invoice_by_email_over_smtp(family, holder, signed_in, bill, smtp):
    account, _ = family
    BillingAccount.objects.filter(pk=account.pk).update(paperless=False)  # paper until now
    response = signed_in(holder).post(reverse("portal:account_invoicing", args=[account.pk]),
                                      {"paperless": "yes", "with_pdf": "on", "language": "fr"})
    assert response.status_code == 302

    bill("2026-12")

    december = Invoice.objects.get(billing_account=account, cycle="2026-12")
    [message] = [m for m in smtp.messages if m["To"] == account.email]
    assert subject(message) == f"Telcobill Mobile : votre facture {december.number} est disponible"
    text, pdf = message.get_payload()
    body = text.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert "Montant : 10,99\xa0€ TTC\nÀ payer avant le 16 déc. 2026." in body
    link = re.search(r"Voir la facture : (\S+)", body).group(1)
    assert link == f"http://127.0.0.1:8000/factures/{december.number}/"
    assert signed_in(holder).get(link.removeprefix("http://127.0.0.1:8000")).context["invoice"] == december

    assert pdf.get_filename() == f"facture-{december.number}-2026-12-01.pdf"
    _, xml = get_xml_from_pdf(pdf.get_payload(decode=True), check_xsd=False)
    assert f"<ram:ID>{december.number}</ram:ID>".encode() in xml
    assert b"<ram:DuePayableAmount>10.99</ram:DuePayableAmount>" in xml

    assert send_invoice_emails([december.pk]) == []  # once
    assert len([m for m in smtp.messages if m["To"] == account.email]) == 1
