"""A customer's payments as one timeline, newest first: what was paid and how (debits, cards,
transfers), credit notes, refunds, debits the bank rejected, and what comes next (a debit planned,
an invoice due, an instalment of a payment plan) or is late.

A read of the ledger and of the records beside it (collections and their bank events, card
payments, plans): nothing here decides anything. The customer space and the API say each moment
in the customer's words; this module says what happened, when, for how much, and what is left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.customers.models import BillingAccount
from telcobill.money import ZERO

from ..models import (
    Allocation,
    CardPayment,
    CardPaymentStatus,
    Collection,
    CollectionStatus,
    Dispute,
    EntryKind,
    LedgerEntry,
    Method,
    PaymentEvent,
    PaymentEventKind,
    PaymentPlan,
    PlanStatus,
)
from . import ledger, plans

PENDING_DEBIT = (CollectionStatus.PLANNED, CollectionStatus.SUBMITTED)

# What a moment is (the pages word each one).
DEBIT_PLANNED = "debit_planned"  # a debit will be presented on `on` (on `iban`)
DEBIT_SENT = "debit_sent"  # presented to the bank, not answered yet
DEBIT_PAID = "debit_paid"
DEBIT_REJECTED = "debit_rejected"  # returned or refused by the bank (`reason`: its code)
CARD_PAID = "card_paid"
CARD_FAILED = "card_failed"  # a saved card declined (`reason`: the bank's message)
TRANSFER_RECEIVED = "transfer_received"
CREDIT_NOTE = "credit_note"
PAYMENT_RETURNED = "payment_returned"  # a card payment taken back (chargeback)
REFUND = "refund"  # paid back to the customer (`status`: the refund's)
DUE = "due"  # an invoice to pay by `on`, nothing planned for it
LATE = "late"  # its due date `on` passed, nothing planned for it
DISPUTED = "disputed"  # contested, being looked at
INSTALMENT = "instalment"  # an instalment of the payment plan in progress (`status`: paid, partly, due, missed)


@dataclass(frozen=True)
class Moment:
    on: date
    kind: str
    amount: Decimal  # always positive: the kind says which way the money goes
    account: str  # the billing account's number
    invoice: Invoice | None = None  # the document the moment is about (a credit note for CREDIT_NOTE)
    settles: tuple[tuple[str, bool], ...] = ()  # a payment's invoices: (number, paid in full now)
    left: Decimal = ZERO  # what `invoice` still owes now
    payable: bool = False  # something is owed on it and nothing is planned to collect it
    method: str = ""  # Method of a payment or refund
    iban: str = ""  # the account debited
    reason: str = ""  # the bank's return code, a card's decline message
    status: str = ""  # a refund's status, an instalment's state
    number: int = 0  # an instalment's number
    of: int = 0  # how many instalments the plan has

    @property
    def upcoming(self) -> bool:
        return self.kind in (DEBIT_PLANNED, DEBIT_SENT, DUE) or (self.kind == INSTALMENT and self.status != "paid")


def timeline(accounts: Iterable[BillingAccount], *, since: date | None = None,
             today: date | None = None) -> list[Moment]:
    """The moments of `accounts` from `since` (default: all), newest first (what is to come on top)."""
    today = today or timezone.localdate()
    accounts = list(accounts)
    ids = [a.pk for a in accounts]
    numbers = {a.pk: a.number for a in accounts}
    since = since or date.min
    invoices = {i.pk: i for i in Invoice.objects.filter(
        billing_account_id__in=ids, status=InvoiceStatus.ISSUED, issue_date__gte=since).select_related("corrects")}
    owed = {pk: i for pk, i in invoices.items() if i.kind == DocumentKind.INVOICE and i.total_gross > 0}
    left = ledger.open_amounts(list(owed))
    collections = {c.invoice_id: c for c in Collection.objects.filter(invoice_id__in=list(owed))
                   .select_related("mandate")}
    pending = {pk for pk, c in collections.items() if c.status in PENDING_DEBIT}

    def payable(invoice_id: int) -> bool:
        return left.get(invoice_id, ZERO) > 0 and invoice_id not in pending

    moments: list[Moment] = []
    moments += _ledger(ids, numbers, since, invoices, left)
    moments += _debits(collections, numbers, invoices, left, payable)
    moments += _open_invoices(owed, collections, numbers, left, payable, today)
    moments += _card_failures(ids, numbers, since)
    moments += _instalments(ids, numbers, today)
    # Newest first; on one day, what is to come before what happened, then by kind for a stable order.
    return sorted(moments, key=lambda m: (m.on, m.upcoming, _ORDER.index(m.kind)), reverse=True)


_ORDER = [CREDIT_NOTE, DUE, LATE, DISPUTED, DEBIT_SENT, DEBIT_PLANNED, INSTALMENT, DEBIT_REJECTED, CARD_FAILED,
          PAYMENT_RETURNED, REFUND, TRANSFER_RECEIVED, CARD_PAID, DEBIT_PAID]


def _ledger(ids, numbers, since, invoices, left) -> list[Moment]:
    """Payments received, credit notes, card payments taken back, refunds."""
    entries = list(LedgerEntry.objects.filter(
        billing_account_id__in=ids, on__gte=since,
        kind__in=[EntryKind.PAYMENT, EntryKind.CREDIT_NOTE, EntryKind.REVERSAL, EntryKind.REFUND])
        .select_related("collection__mandate", "refund"))
    rows = list(Allocation.objects.filter(source__in=[e for e in entries if e.kind == EntryKind.PAYMENT],
                                          target__kind=EntryKind.INVOICE)
                .values("source_id", "target__invoice_id", "target__invoice__number")
                .annotate(total=Sum("amount")).filter(total__gt=0)  # a payment returned nets to nothing
                .order_by("target__invoice__issue_date", "target__invoice__number"))
    still_open = {**ledger.open_amounts({r["target__invoice_id"] for r in rows} - set(left)), **left}
    settled = defaultdict(list)
    for row in rows:
        settled[row["source_id"]].append((row["target__invoice__number"],
                                          still_open.get(row["target__invoice_id"], ZERO) <= 0))
    moments = []
    for entry in entries:
        base = {"on": entry.on, "amount": abs(entry.amount), "account": numbers[entry.billing_account_id],
                "method": entry.method}
        if entry.kind == EntryKind.PAYMENT:
            kind = {Method.DIRECT_DEBIT: DEBIT_PAID, Method.CARD: CARD_PAID}.get(entry.method, TRANSFER_RECEIVED)
            collection = entry.collection
            moments.append(Moment(kind=kind, settles=tuple(settled[entry.pk]),
                                  invoice=invoices.get(collection.invoice_id) if collection else None,
                                  iban=collection.mandate.iban if collection else "", **base))
        elif entry.kind == EntryKind.CREDIT_NOTE:
            moments.append(Moment(kind=CREDIT_NOTE, invoice=invoices.get(entry.invoice_id), **base))
        elif entry.kind == EntryKind.REVERSAL and entry.collection_id is None:
            # A returned debit is told by the bank's rejection (`_debits`); this is a card taken back.
            moments.append(Moment(kind=PAYMENT_RETURNED, **base))
        elif entry.kind == EntryKind.REFUND:
            refund = getattr(entry, "refund", None)
            moments.append(Moment(kind=REFUND, status=refund.status if refund else "", **base))
    return moments


def _debits(collections, numbers, invoices, left, payable) -> list[Moment]:
    """Debits to come or presented, and those the bank rejected or took back."""
    moments = []
    for collection in collections.values():
        invoice = invoices[collection.invoice_id]
        if collection.status in PENDING_DEBIT:
            moments.append(Moment(on=collection.collect_on, amount=collection.amount,
                                  kind=DEBIT_PLANNED if collection.status == CollectionStatus.PLANNED else DEBIT_SENT,
                                  account=numbers[invoice.billing_account_id], invoice=invoice,
                                  left=left.get(invoice.pk, ZERO), iban=collection.mandate.iban))
    by_pk = {c.pk: c for c in collections.values()}
    for event in PaymentEvent.objects.filter(collection_id__in=list(by_pk), kind__in=[PaymentEventKind.REJECTED,
                                                                                     PaymentEventKind.DISPUTED]):
        collection = by_pk[event.collection_id]
        invoice = invoices[collection.invoice_id]
        moments.append(Moment(on=timezone.localdate(event.at), amount=event.amount, kind=DEBIT_REJECTED,
                              account=numbers[invoice.billing_account_id], invoice=invoice,
                              left=left.get(invoice.pk, ZERO), payable=payable(invoice.pk),
                              iban=collection.mandate.iban, reason=event.reason_code))
    return moments


def _open_invoices(owed, collections, numbers, left, payable, today) -> list[Moment]:
    """Invoices with something to pay and nothing planned to collect it: due, late or contested.
    One whose debit was rejected is told by the rejection; one in a plan, by its instalments."""
    rejected = {pk for pk, c in collections.items() if c.status in (CollectionStatus.REJECTED,
                                                                    CollectionStatus.DISPUTED)}
    contested = set(Dispute.objects.filter(invoice_id__in=list(owed), outcome=Dispute.Outcome.OPEN)
                    .values_list("invoice_id", flat=True))
    in_plan = set(PaymentPlan.objects.filter(status=PlanStatus.ACTIVE, invoices__in=list(owed))
                  .values_list("invoices", flat=True))
    moments = []
    for pk, invoice in owed.items():
        if not payable(pk) or pk in rejected or pk in in_plan:
            continue
        kind = DISPUTED if pk in contested else LATE if invoice.due_date and invoice.due_date < today else DUE
        moments.append(Moment(on=invoice.due_date or invoice.issue_date, amount=invoice.total_gross, kind=kind,
                              account=numbers[invoice.billing_account_id], invoice=invoice, left=left[pk],
                              payable=kind != DISPUTED))
    return moments


def _card_failures(ids, numbers, since) -> list[Moment]:
    """Saved-card charges the bank declined (a hosted page left unpaid is not a moment)."""
    return [Moment(on=timezone.localdate(p.created_at), amount=p.amount, kind=CARD_FAILED,
                   account=numbers[p.billing_account_id], method=Method.CARD, reason=p.failure)
            for p in CardPayment.objects.filter(billing_account_id__in=ids, status=CardPaymentStatus.FAILED,
                                                created_at__date__gte=since).filter(~Q(failure=""))]


def _instalments(ids, numbers, today) -> list[Moment]:
    """The instalments of a payment plan in progress, with how much of each is paid."""
    moments = []
    for plan in PaymentPlan.objects.filter(billing_account_id__in=ids, status=PlanStatus.ACTIVE):
        _, states = plans.progress(plan, today)
        for state in states:
            instalment = state.instalment
            moments.append(Moment(on=instalment.due_on, amount=instalment.amount, kind=INSTALMENT,
                                  account=numbers[plan.billing_account_id], left=instalment.amount - state.covered,
                                  payable=state.state != "paid", status=state.state, number=instalment.number,
                                  of=len(states)))
    return moments
