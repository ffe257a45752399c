"""Détail des communications: a line's month, filtered, page by page, and as a CSV file (the
itemized annex's own rows: services/itemized.py)."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from telcobill.formats import BOM
from telcobill.usage.rating.inputs import months_back
from telcobill.usage.services.itemized import as_csv, itemized, select
from telcobill.usage.services.retention import retention_start

from ..access import Space, customer_page
from ..templatetags.portal import month as month_name
from .forms import KIND_FILTERS, ItemizedFilter
from .lines import line_context

PAGE = 50


def _months(line) -> list[date]:
    """The months kept (the retention), since the line's activation, newest first."""
    current = timezone.localdate().replace(day=1)
    oldest = retention_start()
    if line.activated_on:
        oldest = max(oldest, line.activated_on.replace(day=1))
    months, month = [], current
    while month >= oldest:
        months.append(month)
        month = months_back(month, 1)
    return months


def _communications(request: HttpRequest, line):
    """(the filter form, the month, the communications it selects)."""
    months = _months(line) or [timezone.localdate().replace(day=1)]
    form = ItemizedFilter(request.GET or None, months=[(f"{m:%Y-%m}", month_name(m)) for m in months])
    form.is_valid()  # what is valid still filters; the errors show next to their fields
    chosen = getattr(form, "cleaned_data", {})
    month = date.fromisoformat(f"{chosen['mois']}-01") if chosen.get("mois") else months[0]
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    rows = select(itemized(line, month, language=language), kind=KIND_FILTERS.get(chosen.get("type", ""), ""),
                  start=chosen.get("du"), end=chosen.get("au"), number=chosen.get("numero", ""))
    return form, month, rows, language


@customer_page
def itemized_page(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    line = space.line(pk)
    form, month, rows, _ = _communications(request, line)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/usage/itemized.html", {
        **line_context(space, line, "itemized"), "form": form, "month": month, "page": page,
        "count": len(rows), "query": query.urlencode(), "business": space.customer.is_business,
        "masked": not line.billing_account.itemized_full_numbers})


@customer_page
def itemized_csv(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    """The communications the filters select, as the spreadsheet a French customer opens: `;`
    between columns, decimal commas, a byte-order mark so that Excel reads UTF-8."""
    line = space.line(pk)
    _, month, rows, language = _communications(request, line)
    name = f"communications-{line.msisdn.lstrip('+')}-{month:%Y-%m}.csv"
    return HttpResponse(BOM + as_csv(rows, language=language), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
