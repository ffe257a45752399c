"""Issue documents: number them in one transaction; their XML and PDF follow after commit."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from telcobill.billing.models import Invoice
from telcobill.billing.services.issue import issue_documents
from telcobill.documents.tasks import deliver_documents_task, render_documents_task
from telcobill.payments.services import ledger
from telcobill.payments.services.collections import plan_collections
from telcobill.payments.tasks import charge_saved_cards_task

from .invoice_email import send_invoice_emails_task


def issue_and_store(drafts: list[Invoice], *, issue_date: date, now: datetime) -> list[Invoice]:
    """One transaction: checks, numbers, issue, direct debits planned. After commit a durable task builds each
    document's XML from the stored document (once; then kept) and renders its PDF. Documents
    whose task never ran are found by `telcobill documents render --pending`."""
    with transaction.atomic():
        issued = issue_documents(drafts, issue_date=issue_date, now=now)
        if issued:
            ids = [d.pk for d in issued]
            # Each document is a ledger entry; a credit the account had pays the new invoices.
            ledger.record_documents(issued)
            # An invoice to be paid by direct debit is issued with its collection planned (for
            # what the credit left open).
            plan_collections(ids)
            transaction.on_commit(lambda: render_documents_task.enqueue(ids), robust=True)
            # Business documents go to their plateforme agréée (nothing happens without a platform).
            transaction.on_commit(lambda: deliver_documents_task.enqueue(ids), robust=True)
            # Accounts paying by a saved card are charged once the invoices exist for sure.
            transaction.on_commit(lambda: charge_saved_cards_task.enqueue(ids), robust=True)
            # Paperless accounts get an e-mail at each new invoice (once; PDF attached on request).
            transaction.on_commit(lambda: send_invoice_emails_task.enqueue(ids), robust=True)
    return issued
