"""Conseil forfait: what the line's real usage of its last months would have cost on the plans
and options on sale (computed after each bill run), the cheapest first, with the way to change."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from telcobill.customers.models import LineStatus
from telcobill.usage.services.advice import advice_of

from ..access import Space
from .fleet import fleet
from .pages import lines_page


@lines_page
@require_safe
def advice_page(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    line = space.line(pk)
    today = timezone.localdate()
    row = fleet(space, today, lines=[line])[0]
    advice = advice_of(line, language=get_language() or "fr")
    months, added = [], []
    if advice:
        best = {m[0]: m[3] for m in advice.best.monthly}
        months = [(m[0], m[3], best.get(m[0])) for m in advice.current.monthly]
        added = [o for o in advice.best.options if o not in advice.current.options]
    return render(request, "portal/lines/advice.html", {
        "space": space, "row": row, "line": line, "advice": advice, "months": months, "added": added,
        "computed_on": timezone.localdate(advice.computed_at) if advice else None,
        "min_months": settings.USAGE["advice_min_months"], "min_saving": Decimal(settings.USAGE["advice_min_saving"]),
        "business": space.customer.is_business, "today": today,
        "can_change": space.can("lines") and line.status != LineStatus.TERMINATED,
    })
