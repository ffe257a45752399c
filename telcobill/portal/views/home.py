"""Accueil: what is due and when, the last invoice, each line's allowances this month, alerts."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from telcobill.billing.models import DocumentKind
from telcobill.customers.models import LineStatus
from telcobill.payments.models import Collection, CollectionStatus, MandateStatus
from telcobill.payments.services import ledger
from telcobill.usage.models import LineCounter, PlanAdvice
from telcobill.usage.services.advice import advice_of

from ..access import Space, customer_page

COMMITMENT_NOTICE_DAYS = 60


@customer_page
def home(request: HttpRequest, space: Space) -> HttpResponse:
    today = timezone.localdate()
    context = {"space": space, "alerts": [], "lines": _lines(space, today), "today": today}
    if space.can("see_invoices"):
        accounts = list(space.accounts())
        owed = ledger.balance(*accounts).balance
        open_invoices = ledger.open_amounts(space.invoices().filter(kind=DocumentKind.INVOICE, due_date__gte=today
                                                                    - timedelta(days=400)).values_list("pk", flat=True))
        unpaid = (space.invoices().filter(pk__in=[pk for pk, left in open_invoices.items() if left > 0])
                  .order_by("due_date"))
        context.update(owed=owed, next_unpaid=unpaid.first(), last_invoice=space.invoices().filter(
            kind=DocumentKind.INVOICE).order_by("-issue_date", "-number").first())
        context["next_debit"] = (Collection.objects.filter(invoice__in=unpaid, status=CollectionStatus.PLANNED)
                                 .select_related("mandate").order_by("collect_on").first())
        rejected = Collection.objects.filter(invoice__in=unpaid, status=CollectionStatus.REJECTED).select_related(
            "invoice").first()
        if rejected:
            context["alerts"].append(("danger", "rejected", rejected.invoice))
        late = unpaid.filter(due_date__lt=today).exclude(collection__status__in=[
            CollectionStatus.PLANNED, CollectionStatus.SUBMITTED]).first()
        if late and not rejected:
            context["alerts"].append(("danger", "late", late))
        stopped = [a for a in accounts if a.payment_method == "direct_debit"
                   and not a.mandates.filter(status=MandateStatus.ACTIVE).exists()]
        if stopped and space.can("bank_details"):
            context["alerts"].append(("warning", "no_mandate", stopped[0]))
    for line in space.lines().filter(status=LineStatus.ACTIVE, commitment_end__isnull=False,
                                     commitment_end__gte=today,
                                     commitment_end__lte=today + timedelta(days=COMMITMENT_NOTICE_DAYS))[:3]:
        context["alerts"].append(("info", "commitment", line))
    if space.can("see_lines"):
        advice = _best_advice(space)
        if advice:
            context["alerts"].append(("info", "advice", advice))
    for line in context["lines"]:
        for counter in line["counters"]:
            if counter["share"] is not None and counter["share"] >= 80:
                context["alerts"].append(("warning", "allowance", {"line": line["line"], "counter": counter}))
    return render(request, "portal/home.html", context)


def _best_advice(space: Space) -> dict | None:
    """The line of the space whose plan advice saves the most a month, when worth telling."""
    found = max((a for a in PlanAdvice.objects.filter(line__in=space.lines().filter(
        status__in=[LineStatus.ACTIVE, LineStatus.SUSPENDED])).defer("choices").select_related("line")),
        key=lambda a: a.monthly_savings, default=None)
    if found is None or not found.worth_telling:
        return None
    best = advice_of(found.line, language=get_language() or "fr").best
    return {"line": found.line, "plan": best.name, "monthly": found.monthly_savings}


def _lines(space: Space, today) -> list[dict]:
    """Up to 5 lines with their main counters this month (a business sees the rest in Ma conso)."""
    lines = list(space.lines().filter(status__in=[LineStatus.ACTIVE, LineStatus.SUSPENDED]).order_by("msisdn")[:5])
    # The line's main allowances (at home and in the EU): not those for other zones, nor the usage
    # no allowance covers (Ma conso shows them all, named).
    counters = LineCounter.objects.filter(line__in=lines, month=today.replace(day=1), group__endswith=":",
                                          bucket__in=["voice", "sms", "data"]).order_by("bucket")
    by_line: dict[int, list[dict]] = {line.pk: [] for line in lines}
    for counter in counters:
        share = round(100 * counter.used / counter.included) if counter.included else None
        by_line[counter.line_id].append({"bucket": counter.bucket, "used": counter.used,
                                         "included": counter.included, "share": share,
                                         "refreshed_at": counter.refreshed_at})
    return [{"line": line, "counters": by_line[line.pk]} for line in lines]
