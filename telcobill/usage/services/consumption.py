"""A line's consumption in a month as its customer reads it: each allowance it consumes from (its
own, and its business's shared pools) with what was used, what is out of plan so far, the data
spend outside the EU against the cap, and how fresh the figures are.

Read from the live counters (services/counters.py, refreshed after each ingestion) and the
month's allowance groups (rating/allowances.py, so an allowance shows before any usage); nothing
is rated here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings

from telcobill.money import incl_vat

from ..models import LineCounter
from ..rating.allowances import allowance_groups
from ..rating.catalogue import allowance_policy, load_allowance_rows, load_subscriptions
from ..rating.inputs import month_bounds
from .counters import ROAMING_SPEND
from .rating import lines_sharing

BUCKETS = ("voice", "sms", "mms", "data", "data_eu")


@dataclass(frozen=True)
class Meter:
    """One allowance (or the usage no allowance covers) of a month, in base units: seconds,
    bytes, messages."""

    group: str
    bucket: str  # voice | sms | mms | data | data_eu
    zones: tuple[str, ...]  # empty: at home and roaming in the EU
    used: int
    included: int | None  # None: unlimited; 0: nothing included (out-of-plan usage)
    out_of_plan: Decimal  # EUR excl. VAT so far, 6 places
    pooled: bool = False  # the business's shared allowance

    @property
    def share(self) -> int | None:
        """Percent used of a limited allowance (may pass 100)."""
        return round(100 * self.used / self.included) if self.included else None


@dataclass(frozen=True)
class LineConsumption:
    month: date
    meters: tuple[Meter, ...]  # the line's own allowances, then its usage out of any allowance
    pools: tuple[Meter, ...]  # the business's shared allowances the line consumes from
    out_of_plan: Decimal  # EUR excl. VAT so far, the line's own (the pools' are on them)
    roaming_spend: Decimal  # EUR excl. VAT: data outside the EU, against the cap
    roaming_cap: Decimal  # EUR excl. VAT (TELCOBILL_ROAMING_CAP)
    roaming_cap_lifted: bool
    vat_rate: Decimal  # the standard rate of the month, percent: amounts incl. VAT for individuals
    refreshed_at: datetime | None  # when the counters were last computed
    last_usage_at: datetime | None  # the newest communication counted

    def incl_vat(self, amount: Decimal) -> Decimal:
        return incl_vat(amount, self.vat_rate)


def line_consumption(line, month: date) -> LineConsumption:
    """The line's consumption of the month (its first day) from the counters."""
    groups = line_groups(line, month)
    pool_keys = [g.key for g in groups if g.key.startswith("P")]
    # Two indexed reads rather than an OR, which SQLite's planner may answer by reading the month.
    rows = list(LineCounter.objects.filter(line=line, month=month))
    if pool_keys:
        rows += LineCounter.objects.filter(group__in=pool_keys, month=month)
    counters = {c.group: c for c in rows}
    meters, pools = [], []
    for group in groups:
        counter = counters.pop(group.key, None)
        pooled = group.key.startswith("P")
        meter = Meter(group.key, group.bucket, group.zones, counter.used if counter else 0, group.quantity,
                      counter.out_of_plan if counter else Decimal(0), pooled)
        (pools if pooled else meters).append(meter)
    spend = counters.pop(f"L{line.pk}:{ROAMING_SPEND}", None)
    # Usage no allowance covers (`L12:voice:out`), or of an allowance no longer subscribed.
    for counter in counters.values():
        if counter.bucket in BUCKETS:
            meters.append(Meter(counter.group, counter.bucket, (), counter.used,
                                0 if counter.group.endswith(":out") else counter.included, counter.out_of_plan))
    return LineConsumption(
        month=month, meters=tuple(sorted(meters, key=_order)), pools=tuple(sorted(pools, key=_order)),
        out_of_plan=sum((m.out_of_plan for m in meters), Decimal(0)),
        roaming_spend=spend.out_of_plan if spend else Decimal(0),
        roaming_cap=Decimal(settings.USAGE["roaming_cap"]), roaming_cap_lifted=line.roaming_cap_opt_out,
        vat_rate=standard_vat_rate(month),
        refreshed_at=max((c.refreshed_at for c in rows), default=None),
        last_usage_at=max((c.last_usage_at for c in rows if c.last_usage_at), default=None))


def line_groups(line, month: date):
    """The month's allowance groups the line consumes from (a pool's quantity counts every line
    of the business that contributes to it)."""
    first, end = month_bounds(month)
    subscribed, _, customer_of = load_subscriptions(first, end, lines_sharing([line.pk]))
    groups = allowance_groups(month, subscribed, load_allowance_rows(), customer_of, allowance_policy())
    return [g for g in groups if line.pk in g.line_ids]


def standard_vat_rate(day: date) -> Decimal:
    """The standard VAT rate in force on the day, percent (communications are standard-rated)."""
    from telcobill.catalogue.models import VatRate

    rate = (VatRate.objects.filter(vat_rule__code="standard", valid_from__lte=day).order_by("-valid_from")
            .values_list("rate", flat=True).first())
    return rate if rate is not None else Decimal(0)


def _order(meter: Meter):
    return (BUCKETS.index(meter.bucket), meter.included == 0, len(meter.zones), meter.zones)
