"""Receivables by age ("balance âgée"): what each customer still owes on a date, by how late it is.

As of a date means from the ledger entries and allocations dated on or before it, so the report of
31 December is the same when it is run in January. Plain dataclasses: the back office draws its
chart from them, the CLI prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from telcobill.money import ZERO, to_cents

from ..models import FUNDS, EntryKind, LedgerEntry

# SQLite sums decimals as floats: filter with half a cent of slack, then round to the cent.
HALF_CENT = Decimal("0.005")


class AgeBucket(models.TextChoices):
    """Days past the due date, in the buckets accountants use."""

    NOT_DUE = "not_due", _("Non échu")
    DAYS_1_30 = "1-30", _("1 à 30 jours")
    DAYS_31_60 = "31-60", _("31 à 60 jours")
    DAYS_61_90 = "61-90", _("61 à 90 jours")
    OVER_90 = "over_90", _("Plus de 90 jours")


def age_bucket(days_past_due: int) -> AgeBucket:
    if days_past_due <= 0:
        return AgeBucket.NOT_DUE
    if days_past_due <= 30:
        return AgeBucket.DAYS_1_30
    if days_past_due <= 60:
        return AgeBucket.DAYS_31_60
    if days_past_due <= 90:
        return AgeBucket.DAYS_61_90
    return AgeBucket.OVER_90


def _buckets() -> dict[AgeBucket, Decimal]:
    return dict.fromkeys(AgeBucket, ZERO)


@dataclass(frozen=True)
class OpenInvoice:
    number: str
    customer_number: str
    issue_date: date
    due_date: date
    days_past_due: int  # 0 or less: not due yet
    bucket: AgeBucket
    open_amount: Decimal


@dataclass
class CustomerReceivables:
    number: str
    name: str
    buckets: dict[AgeBucket, Decimal] = field(default_factory=_buckets)
    credit: Decimal = ZERO  # payments and credit notes not used yet

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    @property
    def balance(self) -> Decimal:
        """What the customer owes on the date, net of their credit: their customer account's balance."""
        return self.total - self.credit


@dataclass
class Receivables:
    on: date
    invoices: list[OpenInvoice]
    customers: list[CustomerReceivables]  # by customer number
    totals: dict[AgeBucket, Decimal]
    credit: Decimal

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)


def receivables_by_age(on: date) -> Receivables:
    """Each invoice's open amount as of `on` (its total less what was allocated to it by then),
    bucketed by days past its due date, summed per customer and in total; with each customer's
    credit not used by then, so that a customer's balance is their account's balance on `on`."""
    customers: dict[str, CustomerReceivables] = {}
    invoices = list(_open_invoices(on))
    for invoice, name in invoices:
        customer = customers.setdefault(invoice.customer_number, CustomerReceivables(invoice.customer_number, name))
        customer.buckets[invoice.bucket] += invoice.open_amount
    for number, name, credit in _credits(on):
        customers.setdefault(number, CustomerReceivables(number, name)).credit += credit
    totals = _buckets()
    for customer in customers.values():
        for bucket, amount in customer.buckets.items():
            totals[bucket] += amount
    ordered = [customers[number] for number in sorted(customers)]
    return Receivables(on, [invoice for invoice, _ in invoices], ordered, totals,
                       sum((c.credit for c in ordered), ZERO))


def _open_invoices(on: date):
    allocated = Coalesce(Sum("allocations_in__amount", filter=Q(allocations_in__on__lte=on)), ZERO)
    rows = (LedgerEntry.objects.filter(kind=EntryKind.INVOICE, on__lte=on).annotate(allocated=allocated)
            .filter(allocated__lt=F("amount") - HALF_CENT)
            .order_by("billing_account__customer__number", "on", "pk")
            .values_list("invoice__number", "invoice__issue_date", "invoice__due_date", "amount", "allocated",
                         "billing_account__customer__number", "billing_account__customer__name"))
    for number, issued, due, amount, paid, customer, name in rows.iterator(chunk_size=2000):
        due = due or issued
        days = (on - due).days
        yield OpenInvoice(number, customer, issued, due, days, age_bucket(days), to_cents(amount - paid)), name


def _credits(on: date):
    """(customer number, name, credit) for every fund with something left unused on `on`."""
    used = Coalesce(Sum("allocations_out__amount", filter=Q(allocations_out__on__lte=on)), ZERO)
    rows = (LedgerEntry.objects.filter(kind__in=FUNDS, on__lte=on).annotate(used=used)
            .filter(used__lt=-F("amount") - HALF_CENT).order_by("pk")
            .values_list("billing_account__customer__number", "billing_account__customer__name", "amount", "used"))
    for number, name, amount, spent in rows.iterator(chunk_size=2000):
        yield number, name, to_cents(-amount - spent)
