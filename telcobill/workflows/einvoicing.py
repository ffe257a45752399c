"""The e-invoicing exchange as a whole: deposit what waits, read what the platforms said, and
report "212 Encaissée" for the invoices the ledger says are paid (for services the seller owns
that status). Run by `telcobill einvoicing sync` (every few minutes) and safe to run any time.

It lives in workflows because it reads the ledger (payments) for the documents component.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db.models import Max
from django.utils import timezone

from telcobill.billing.models import Invoice
from telcobill.documents.services import delivery as deliveries
from telcobill.payments.models import Allocation
from telcobill.payments.services import ledger


def paid_on(invoice: Invoice) -> date | None:
    """The day the ledger says the invoice was paid in full (its last allocation), or None."""
    if ledger.open_amount(invoice) != 0:
        return None
    return Allocation.objects.filter(target__invoice=invoice).aggregate(day=Max("on"))["day"] or invoice.issue_date


def report_paid(*, now: datetime | None = None) -> int:
    """Report "212 Encaissée" once for each deposited invoice paid in full; returns how many."""
    now = now or timezone.now()
    count = 0
    for delivery in deliveries.waiting_for_payment():
        day = paid_on(delivery.invoice)
        if day is not None and deliveries.report_paid(delivery, min(datetime.combine(day, time(12), tzinfo=UTC), now)):
            count += 1
    return count


@dataclass
class SyncResult:
    prepared: int
    deposited: int
    statuses: deliveries.StatusRun
    paid: int


def sync(*, now: datetime | None = None) -> SyncResult:
    """Everything the exchange needs, in order."""
    prepared = deliveries.prepare_deliveries(deliveries.pending_business_documents())
    deposited = deliveries.deposit_pending(now=now)
    statuses = deliveries.read_statuses()
    return SyncResult(prepared, deposited, statuses, report_paid(now=now))
