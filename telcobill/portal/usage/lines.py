"""Ma conso: the lines (a business's, searchable) and one line's consumption this month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from telcobill.catalogue.models import Zone
from telcobill.customers.models import LineStatus
from telcobill.money import incl_vat, to_cents
from telcobill.usage.models import LineCounter
from telcobill.usage.services.consumption import line_consumption, standard_vat_rate
from telcobill.usage.services.counters import ROAMING_SPEND
from telcobill.usage.services.retention import retention_start

from ..access import Space, customer_page

PAGE = 25


def visible_lines(space: Space):
    """The lines with consumption to show: in service, or ended within the retention."""
    return (space.lines().exclude(status=LineStatus.PENDING)
            .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gte=retention_start())))


def line_context(space: Space, line, tab: str) -> dict:
    """What every page of a line shows around it: its header, its tabs, the way back to the list."""
    return {"space": space, "line": line, "tab": tab, "many_lines": visible_lines(space)[:2].count() > 1}


@customer_page
def usage(request: HttpRequest, space: Space) -> HttpResponse:
    lines = visible_lines(space).select_related("billing_account").order_by("msisdn")
    query = request.GET.get("q", "").strip()
    if not query and len(lines[:2]) == 1:
        return _line_month(request, space, lines[0])  # one line: its page at once
    if query:
        lines = lines.filter(_search(query))
    page = Paginator(lines, PAGE).get_page(request.GET.get("page"))
    month = timezone.localdate().replace(day=1)
    # The business's shared allowances, for those who manage its lines (a line user sees them on their line).
    # Two indexed reads, not one OR (which SQLite answers by reading the whole month).
    counters = list(LineCounter.objects.filter(line__in=list(page.object_list), month=month))
    if space.can("see_lines"):
        counters += LineCounter.objects.filter(pool_customer=space.customer, month=month)
    data, out, pools, refreshed, own_data = defaultdict(int), defaultdict(Decimal), [], [], set()
    for counter in counters:
        refreshed.append(counter.refreshed_at)
        if counter.line_id is None:
            pools.append(counter)
            continue
        if counter.bucket == "data":
            data[counter.line_id] += counter.used
            if not counter.group.endswith(":out"):
                own_data.add(counter.line_id)
        if counter.bucket != ROAMING_SPEND:
            out[counter.line_id] += counter.out_of_plan
    rate = standard_vat_rate(month)
    # A line drawing on a shared allowance has its data counted on the pool, not per line.
    shared = any(pool.bucket == "data" for pool in pools)
    rows = [{"line": line, "data": data[line.pk], "shared": shared and line.pk not in own_data,
             "out_excl": to_cents(out[line.pk]),
             "out_incl": incl_vat(out[line.pk], rate)} for line in page.object_list]
    return render(request, "portal/usage/index.html", {
        "space": space, "rows": rows, "page": page, "query": query, "month": month,
        "refreshed_at": max(refreshed, default=None),
        "pools": [(pool, round(100 * pool.used / pool.included) if pool.included else None)
                  for pool in sorted(pools, key=lambda c: c.bucket)],
        "business": space.customer.is_business})


def _search(query: str) -> Q:
    """A number as typed (06 12 34..., +33 6...) or a word of the label."""
    digits = "".join(ch for ch in query if ch.isdigit())
    match = Q(label__icontains=query) | Q(cost_centre__icontains=query)
    if len(digits) >= 2:
        if digits.startswith("00") or query.startswith("+"):  # international form: drop the country
            digits = digits.removeprefix("00").removeprefix("33")
        match |= Q(msisdn__contains=digits.removeprefix("0"))
    return match


@dataclass(frozen=True)
class Amount:
    excl: Decimal  # to the cent
    incl: Decimal


@customer_page
def line_month(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    return _line_month(request, space, space.line(pk))


def _line_month(request: HttpRequest, space: Space, line) -> HttpResponse:
    month = timezone.localdate().replace(day=1)
    c = line_consumption(line, month)
    codes = {code for meter in c.meters + c.pools for code in meter.zones}
    zones = dict(Zone.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}

    def amount(value: Decimal) -> Amount:
        return Amount(to_cents(value), c.incl_vat(value))

    return render(request, "portal/usage/line.html", {
        **line_context(space, line, "month"), "month": month, "c": c,
        "refreshed_today": bool(c.refreshed_at) and timezone.localtime(c.refreshed_at).date() == timezone.localdate(),
        "meters": [(m, [zones.get(z, z) for z in m.zones], amount(m.out_of_plan)) for m in c.meters],
        "pools": [(m, [zones.get(z, z) for z in m.zones], amount(m.out_of_plan)) for m in c.pools],
        "out": amount(c.out_of_plan), "spend": amount(c.roaming_spend), "cap": amount(c.roaming_cap),
        "spend_share": round(100 * c.roaming_spend / c.roaming_cap) if c.roaming_cap else 0,
        "own_data": any(m.bucket == "data" and m.included != 0 for m in c.meters),
        "business": space.customer.is_business})
