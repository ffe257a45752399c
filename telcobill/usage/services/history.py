"""A line's usage month by month (13 months: the one in progress and the 12 the retention keeps).

Quantities come from the counters, the only place that keeps the *included* usage per line,
bucket and month: invoice lines carry only what was out of plan, and the rated totals
(UsageTotal) lose the bucket of a call to a special number and do not exist for the month in
progress. The counters are refreshed whenever records arrive (late roaming ones included) and
purged with the records after the retention (services/retention.py), which is why 13 months.

Out-of-plan amounts are what the invoices billed for the month (usage lines of issued
documents, late regularisations included, with their VAT); a month not billed yet shows the
counters' amount so far, marked as an estimate.

A line on a shared plan consumes its data from its business's pool: that usage is counted on the
pool, not per line, and is given as the pool's (`pool_data`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from telcobill.money import ZERO, incl_vat, to_cents

from ..models import LineCounter, UsageRating
from ..rating.inputs import month_bounds, months_back
from .consumption import standard_vat_rate
from .counters import ROAMING_SPEND

MONTHS = 13


@dataclass(frozen=True)
class MonthUsage:
    month: date
    voice_seconds: int
    sms: int
    data_bytes: int  # the line's own (a pooled allowance's usage is on the pool)
    pool_data_bytes: int | None  # the business's shared data that month, when the line drew on it
    out_of_plan_excl: Decimal  # to the cent
    out_of_plan_incl: Decimal
    billed: bool  # rated and invoiced by a bill run
    estimate: bool  # usage not invoiced yet (the month in progress): the amount is the counters' so far


def usage_history(line, last_month: date, *, months: int = MONTHS) -> list[MonthUsage]:
    """The line's usage of the `months` months ending with `last_month` (first days), oldest
    first; none before the line's activation."""
    first = months_back(last_month, months - 1)
    if line.activated_on and line.activated_on.replace(day=1) > first:
        first = line.activated_on.replace(day=1)
        months = (last_month.year - first.year) * 12 + last_month.month - first.month + 1
    end = month_bounds(last_month)[1]
    customer_id = line.billing_account.customer_id
    own: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    pooled: dict[date, int] = defaultdict(int)
    has_own_data: set[date] = set()
    so_far: dict[date, Decimal] = defaultdict(Decimal)  # the counters' out-of-plan amounts, excl. VAT
    counters = LineCounter.objects.filter(Q(line=line) | Q(pool_customer_id=customer_id, bucket="data"),
                                          month__gte=first, month__lt=end)
    for month, line_id, group, bucket, used, out in counters.values_list(
            "month", "line_id", "group", "bucket", "used", "out_of_plan"):
        if line_id is None:
            pooled[month] += used
            continue
        own[month][bucket] += used
        if bucket == "data" and not group.endswith(":out"):
            has_own_data.add(month)
        if bucket != ROAMING_SPEND:  # the same euros as the data counted out of the EU
            so_far[month] += out
    billed_months = set(UsageRating.objects.filter(month__gte=first, month__lt=end).values_list("month", flat=True))
    billed = _billed_out_of_plan(line, first, end)
    counted = set(own) | set(pooled)
    result = []
    for index in range(months):
        month = months_back(last_month, months - 1 - index)
        if month in billed_months:
            excl, incl = billed.get(month, (ZERO, ZERO))
        else:
            rate = standard_vat_rate(month) if so_far[month] else Decimal(0)  # a query only when needed
            excl, incl = to_cents(so_far[month]), incl_vat(so_far[month], rate)
        result.append(MonthUsage(
            month=month, voice_seconds=own[month]["voice"], sms=own[month]["sms"], data_bytes=own[month]["data"],
            pool_data_bytes=pooled[month] if month in pooled and month not in has_own_data else None,
            out_of_plan_excl=excl, out_of_plan_incl=incl, billed=month in billed_months,
            estimate=month not in billed_months and month in counted))
    return result


def _billed_out_of_plan(line, first: date, end: date) -> dict[date, tuple[Decimal, Decimal]]:
    """Per usage month: the usage lines the issued documents carry for the line (a credit note's
    lines count negatively), excl. and incl. VAT, each line's VAT to the cent as invoiced."""
    from telcobill.billing.models import DocumentKind, InvoiceLine, InvoiceStatus

    amounts: dict[date, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    rows = (InvoiceLine.objects.filter(line=line, kind="usage", period_start__gte=first, period_start__lt=end,
                                       invoice__status=InvoiceStatus.ISSUED)
            .values_list("period_start", "net_amount", "vat_rate", "invoice__kind"))
    for start, net, rate, kind in rows:
        sign = -1 if kind == DocumentKind.CREDIT_NOTE else 1
        total = amounts[start.replace(day=1)]
        total[0] += sign * net
        total[1] += sign * incl_vat(net, rate)
    return {month: (excl, incl) for month, (excl, incl) in amounts.items()}
