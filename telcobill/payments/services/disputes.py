"""An invoice contested: by the customer (or staff for them), or by the bank (a debit returned
as disputed, MD06 or MS02; a card chargeback). Its dunning waits until staff close the dispute
(`staff.close_dispute`). Every opening is an audit event, whoever opened it."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from telcobill.billing.models import Invoice
from telcobill.customers.models import AuditEvent, Person
from telcobill.errors import Invalid, NotAllowed

from ..models import Dispute


def open_dispute(invoice: Invoice, *, description: str, by: Person | None = None, reason_code: str = "",
                 at: datetime | None = None) -> Dispute:
    """Contest `invoice`: refused when it already is (its dispute is being handled). `by` is the
    person (None: the bank); `reason_code` the bank's (MD06...)."""
    if not description.strip():
        raise Invalid("description: say what is contested")
    if is_contested(invoice):
        raise NotAllowed(f"{invoice.number} is already contested; the dispute is being handled",
                         code="already_contested")
    dispute = Dispute.objects.create(invoice=invoice, opened_at=at or timezone.now(), reason_code=reason_code,
                                     description=description[:300])
    AuditEvent.objects.create(actor=by, kind="payments.dispute_opened", customer=invoice.billing_account.customer,
                              summary=f"Contestation de {invoice.number} : {description}"[:300],
                              data={"invoice": invoice.number, "reason_code": reason_code})
    return dispute


def is_contested(invoice: Invoice) -> bool:
    return Dispute.objects.filter(invoice=invoice, outcome=Dispute.Outcome.OPEN).exists()
