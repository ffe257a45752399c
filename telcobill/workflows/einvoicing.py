"""The e-invoicing exchange as a whole: deposit what waits, read what the platforms said, and
report "212 Encaissée" for the invoices the ledger says are paid (for services the seller owns
that status). Run by `telcobill einvoicing sync` (every few minutes) and safe to run any time.

It lives in workflows because it reads the ledger (payments) for the documents component.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.utils import timezone

from telcobill.billing.models import Invoice
from telcobill.documents.services import delivery as deliveries
from telcobill.payments.models import Allocation, EntryKind
from telcobill.payments.services import ledger


def collected(invoice: Invoice) -> tuple[Decimal, date | None]:
    """What payments (not credit notes, not write-offs) brought in for the invoice, net of returned
    payments, and the day of the last one."""
    rows = Allocation.objects.filter(target__invoice=invoice, target__kind=EntryKind.INVOICE,
                                     source__kind=EntryKind.PAYMENT)
    totals = rows.aggregate(total=Sum("amount"), last=Max("on", filter=Q(amount__gt=0)))
    return totals["total"] or Decimal("0.00"), totals["last"]


def report_paid(*, now: datetime | None = None) -> int:
    """Report "212 Encaissée" once for each deposited invoice settled with money coming in (an
    invoice closed by a credit note or a write-off collected nothing); returns how many."""
    now = now or timezone.now()
    count = 0
    waiting = list(deliveries.waiting_for_payment())
    still_open = ledger.open_amounts(d.invoice_id for d in waiting)  # one read, not one per invoice
    for delivery in waiting:
        if still_open.get(delivery.invoice_id) != 0:
            continue
        amount, day = collected(delivery.invoice)
        if amount <= 0 or day is None:
            continue
        at = min(datetime.combine(day, time(12), tzinfo=UTC), now)
        count += deliveries.report_paid(delivery, at, amount)
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
