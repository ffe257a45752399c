"""E-facture: each new invoice of a paperless account is e-mailed once, after the issuing
transaction commits, in the account's language — the amount (incl. VAT for individuals, excl. and
incl. VAT for businesses), when it is debited or due, a link to its page, its PDF on request."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from facturx import get_xml_from_pdf

from telcobill.billing.models import Invoice
from telcobill.customers.models import BillingAccount, InvoiceEmail, PaymentMethod
from telcobill.payments.services.mandates import create_mandate
from telcobill.workflows.credit_note import credit_invoice
from telcobill.workflows.invoice_email import send_invoice_emails
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual

LINK = "http://127.0.0.1:8000/factures/{}/"


def with_line(account, msisdn="0612345678"):
    activate_line(account=account, msisdn=msisdn, plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    return account


@pytest.fixture
def transfer(catalogue):
    return with_line(make_individual("Camille Martin", payment_method=PaymentMethod.TRANSFER))


def test_an_individual_paying_by_transfer_reads_the_amount_incl_vat_and_the_date_to_pay_by(transfer, bill):
    bill("2026-11")
    invoice = Invoice.objects.get(billing_account=transfer)
    [message] = mail.outbox
    assert (message.to, message.subject) == ([transfer.email],
                                             f"Telcobill Mobile : votre facture {invoice.number} est disponible")
    assert message.body == (
        "Bonjour,\n\n"
        f"Votre facture {invoice.number} du 1 nov. 2026 est disponible dans votre espace client.\n\n"
        "Montant : 10,99\xa0€ TTC\nÀ payer avant le 16 nov. 2026.\n\n"
        f"Voir la facture : {LINK.format(invoice.number)}\n\n"
        "Telcobill Mobile\n\n"
        f"Vous recevez cet e-mail car vous avez choisi la facture électronique pour le compte {transfer.number}.")
    assert message.attachments == []
    receipt = InvoiceEmail.objects.get()
    assert (receipt.invoice_number, receipt.billing_account, receipt.sent_to, receipt.with_pdf) == (
        invoice.number, transfer, transfer.email, False)


def test_a_direct_debit_says_when_it_is_collected_and_the_pdf_comes_when_asked(catalogue, bill):
    account = with_line(make_individual("Camille Martin"))
    create_mandate(account, iban="FR7630006000011234567890189", holder="Camille Martin", street="8 rue des Lilas",
                   postcode="69003", city="Lyon", channel="paper")
    BillingAccount.objects.filter(pk=account.pk).update(paperless_pdf=True)
    bill("2026-11")
    invoice = Invoice.objects.get(billing_account=account)
    [message] = mail.outbox
    assert "Montant : 10,99\xa0€ TTC\nElle sera prélevée le 15 nov. 2026 sur le compte FR76 •••• 0189.\n\n" in (
        message.body)
    assert "Vous la trouverez aussi en PDF dans ce message." in message.body
    [(name, pdf, mimetype)] = message.attachments
    assert (name, mimetype) == (f"facture-{invoice.number}-2026-11-01.pdf", "application/pdf")
    _, xml = get_xml_from_pdf(pdf, check_xsd=False)
    assert f"<ram:ID>{invoice.number}</ram:ID>".encode() in xml
    assert InvoiceEmail.objects.get().with_pdf


def test_a_business_reads_the_amount_excl_and_incl_vat(catalogue, bill):
    account = with_line(make_business("Garage Moreau SARL", siren="552100554"), msisdn="0698765432")
    bill("2026-11")
    invoice = Invoice.objects.get(billing_account=account)
    assert (invoice.total_net, invoice.total_gross) == (Decimal("9.16"), Decimal("10.99"))
    assert "Montant : 9,16\xa0€ HT, 10,99\xa0€ TTC\nÀ payer avant le 1 déc. 2026.\n\n" in mail.outbox[0].body


def test_an_account_in_english_reads_english_amounts_and_dates(catalogue, bill):
    account = with_line(make_individual("Jane Smith", language="en", payment_method=PaymentMethod.TRANSFER))
    bill("2026-11")
    body = mail.outbox[0].body
    assert "€10.99" in body and "16 Nov 2026" in body
    assert Invoice.objects.get(billing_account=account).language == "en"


def test_an_invoice_is_emailed_once_however_often_the_task_runs(transfer, bill):
    bill("2026-11")
    invoice = Invoice.objects.get(billing_account=transfer)
    assert send_invoice_emails([invoice.pk]) == []
    assert len(mail.outbox) == 1 and InvoiceEmail.objects.count() == 1


def test_paper_accounts_accounts_without_email_and_credit_notes_get_none(catalogue, bill):
    paper = with_line(make_individual("Paul Papier", payment_method=PaymentMethod.TRANSFER), msisdn="0611111111")
    no_email = with_line(make_individual("Nina Sansmail", payment_method=PaymentMethod.TRANSFER), msisdn="0622222222")
    BillingAccount.objects.filter(pk=paper.pk).update(paperless=False)
    BillingAccount.objects.filter(pk=no_email.pk).update(email="")
    bill("2026-11")
    assert mail.outbox == [] and not InvoiceEmail.objects.exists()

    BillingAccount.objects.filter(pk=paper.pk).update(paperless=True)
    invoice = Invoice.objects.get(billing_account=paper)
    credit_invoice(invoice.number, reason="Geste commercial")
    assert mail.outbox == []  # a credit note is not a new invoice to pay


def test_an_smtp_failure_keeps_no_receipt_so_the_next_run_sends_it(transfer, bill, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    bill("2026-11")  # the invoice is issued; the e-mail failure is the task's, logged (robust on_commit)
    assert Invoice.objects.filter(billing_account=transfer).exists() and not InvoiceEmail.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    invoice = Invoice.objects.get(billing_account=transfer)
    assert send_invoice_emails([invoice.pk]) == [invoice.number]
    assert len(mail.outbox) == 1
