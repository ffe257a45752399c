"""Credit an issued invoice: draft the credit note, validate it, issue it, render it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from telcobill.billing.models import Invoice, InvoiceStatus
from telcobill.billing.services.credit_notes import draft_credit_note, find_issued_invoice
from telcobill.customers.models import AuditEvent, Person
from telcobill.documents.services.validate import DraftValidator
from telcobill.errors import Invalid

from .issuing import issue_and_store


def credit_invoice(number: str, *, reason: str, positions: list[int] | None = None,
                   amount_incl_vat: Decimal | None = None, by: Person | None = None,
                   now: datetime | None = None) -> Invoice:
    """Issue a credit note for invoice `number` (whole, chosen lines, or an amount incl. VAT)."""
    now = now or timezone.now()
    invoice = find_issued_invoice(number)
    note = draft_credit_note(invoice=invoice, reason=reason, positions=positions, amount_incl_vat=amount_incl_vat)
    issue_date = timezone.localdate(now)
    with DraftValidator() as validator:
        validator.hold_failing([note], issue_date=issue_date)
    note.refresh_from_db()
    if note.status == InvoiceStatus.HELD:
        rules = ", ".join(p["rule"] for p in note.problems)
        note.delete()
        raise Invalid(f"the credit note does not pass validation ({rules}); nothing was issued")
    issued = issue_and_store([note], issue_date=issue_date, now=now)
    if not issued:
        note.refresh_from_db()
        raise Invalid("the credit note does not pass the checks: " + "; ".join(p["message"] for p in note.problems))
    note.refresh_from_db()
    AuditEvent.objects.create(actor=by, kind="credit_note.issued", customer=invoice.billing_account.customer,
                              summary=f"{note.number} credits {invoice.number}: {reason}",
                              data={"invoice": invoice.number, "credit_note": note.number,
                                    "amount": str(note.total_gross)})
    return note
