"""E-facture: the e-mail at each new invoice of a paperless account — the amount, the due date or
the day it will be debited, a link to the invoice page, its PDF attached on request — sent once
per invoice, after the issuing transaction commits.

It lives in workflows because it reads what spans apps (the invoice, its planned debit, its PDF);
its receipt (`customers.InvoiceEmail`) is written in the transaction that sends it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.customers.models import InvoiceEmail
from telcobill.documents.services.render import pdf_of
from telcobill.formats import day, document_file_name, euros, iban_masked
from telcobill.payments.models import Collection, CollectionStatus
from telcobill.payments.services import ledger


def send_invoice_emails(invoice_ids: list[int]) -> list[str]:
    """E-mail each issued invoice of `invoice_ids` whose account is paperless and has an e-mail;
    returns the numbers e-mailed now. Safe to run again: an invoice already e-mailed is skipped
    (a task retried after a crash sends what is left, never twice)."""
    invoices = (Invoice.objects.filter(pk__in=invoice_ids, kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED,
                                       billing_account__paperless=True)
                .exclude(billing_account__email="").select_related("billing_account__customer").order_by("pk"))
    return [invoice.number for invoice in invoices if _send_once(invoice)]


@task()
def send_invoice_emails_task(invoice_ids: list[int]) -> int:
    """Enqueued after the issuing transaction commits (workflows/issuing.py)."""
    return len(send_invoice_emails(invoice_ids))


def _send_once(invoice: Invoice) -> bool:
    account = invoice.billing_account
    if InvoiceEmail.objects.filter(invoice_number=invoice.number).exists():
        return False
    pdf = pdf_of(invoice.number) if account.paperless_pdf else None  # rendered now if its task has not run
    message = invoice_message(invoice, pdf)
    with transaction.atomic():
        # The unique receipt is the claim: of two workers, the second waits here, then finds it.
        _, claimed = InvoiceEmail.objects.get_or_create(
            invoice_number=invoice.number,
            defaults={"billing_account": account, "sent_to": account.email, "with_pdf": pdf is not None})
        if claimed:
            message.send()  # an SMTP failure rolls the receipt back: the next run tries again
    return claimed


def invoice_message(invoice: Invoice, pdf: bytes | None = None) -> EmailMessage:
    """The e-mail of a new invoice, in its account's language."""
    account = invoice.billing_account
    language = account.language if account.language in dict(settings.LANGUAGES) else "fr"
    operator = settings.OPERATOR["name"]
    link = settings.PAYMENTS["public_url"].rstrip("/") + reverse("portal:invoice", args=[invoice.number])
    with translation.override(language):
        subject = _("%(operator)s : votre facture %(number)s est disponible") % {
            "operator": operator, "number": invoice.number}
        if account.customer.is_business:
            amount = _("Montant : %(net)s HT, %(gross)s TTC") % {
                "net": euros(invoice.total_net, language), "gross": euros(invoice.total_gross, language)}
        else:
            amount = _("Montant : %(gross)s TTC") % {"gross": euros(invoice.total_gross, language)}
        paragraphs = [
            _("Bonjour,"),
            _("Votre facture %(number)s du %(day)s est disponible dans votre espace client.") % {
                "number": invoice.number, "day": day(invoice.issue_date, language)},
            amount + "\n" + _payment(invoice, language),
            _("Voir la facture : %(link)s") % {"link": link},
        ]
        if pdf is not None:
            paragraphs.append(_("Vous la trouverez aussi en PDF dans ce message."))
        paragraphs += [operator, _("Vous recevez cet e-mail car vous avez choisi la facture électronique pour le "
                                   "compte %(number)s.") % {"number": account.number}]
    message = EmailMessage(subject, "\n\n".join(paragraphs), settings.DEFAULT_FROM_EMAIL, [account.email])
    if pdf is not None:
        message.attach(document_file_name(invoice, "pdf"), pdf, "application/pdf")
    return message


def _payment(invoice: Invoice, language: str) -> str:
    """What happens next: the day it is debited, the date to pay by, or nothing (a credit paid it)."""
    debit = Collection.objects.filter(invoice=invoice, status=CollectionStatus.PLANNED).select_related(
        "mandate").first()
    if debit is not None:
        return _("Elle sera prélevée le %(day)s sur le compte %(iban)s.") % {
            "day": day(debit.collect_on, language), "iban": iban_masked(debit.mandate.iban)}
    if ledger.open_amount(invoice) <= 0:
        return _("Rien à payer : elle est déjà réglée.")
    return _("À payer avant le %(day)s.") % {"day": day(invoice.due_date, language)}
