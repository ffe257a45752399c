"""Mes lignes: every contract of the customer in one place, found in seconds among dozens (search,
filters, sort, pages), each with its plan, options, commitment and last invoice's cost."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from telcobill.customers.models import LineStatus

from ..access import Space
from .export import MONTHS_CHOICES
from .fleet import NO_COST_CENTRE, Filters, fleet
from .pages import lines_page

PAGE = 20


@lines_page
@require_safe
def line_list(request: HttpRequest, space: Space) -> HttpResponse:
    rows = fleet(space, timezone.localdate())
    filters = Filters.from_query(request.GET)
    shown = filters.apply(rows)
    page = Paginator(shown, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    accounts = list(space.accounts().order_by("number"))
    return render(request, "portal/lines/list.html", {
        "space": space, "page": page, "filters": filters, "total": len(rows), "found": len(shown),
        "plans": sorted({(r.plan.code, r.plan.name) for r in rows if r.plan}, key=lambda p: p[1]),
        "statuses": LineStatus.choices, "no_cost_centre": NO_COST_CENTRE,
        "cost_centres": sorted({r.line.cost_centre for r in rows if r.line.cost_centre}, key=str.casefold),
        "accounts": accounts, "business": space.customer.is_business, "query": query.urlencode(),
        "months_choices": MONTHS_CHOICES})
