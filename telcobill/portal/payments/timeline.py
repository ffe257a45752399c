"""Mes paiements: what is left to pay (or the credit), how each account pays, and every payment
moment of the customer's accounts, newest first (`payments.services.timeline`)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from telcobill.payments.models import SavedCard
from telcobill.payments.services import ledger, plans
from telcobill.payments.services.timeline import DEBIT_PLANNED, DEBIT_REJECTED, timeline

from ..access import Space, customer_page
from .accounts import page
from .method import how_each_pays
from .words import bank_reason

ZERO = Decimal("0.00")


@customer_page
def payments(request: HttpRequest, space: Space) -> HttpResponse:
    space.require("see_invoices")
    today = timezone.localdate()
    accounts = list(space.accounts().order_by("number"))
    balances = [ledger.balance(account) for account in accounts]
    overdue = [(account, total) for account in accounts for _, total in [plans.eligible(account, today)] if total > 0]
    moments = timeline(accounts, since=space.oldest_visible, today=today)
    upcoming = sorted((m for m in moments if m.kind == DEBIT_PLANNED), key=lambda m: m.on)
    return page(request, "timeline.html", space, {
        "today": today, "several": len(accounts) > 1, "business": space.customer.is_business,
        "owed": sum((b.owed for b in balances), ZERO), "credit": sum((b.credit for b in balances), ZERO),
        "overdue": overdue, "overdue_total": sum((total for _, total in overdue), ZERO),
        "next_debit": upcoming[0] if upcoming else None, "methods": how_each_pays(space),
        "rows": [(m, bank_reason(m.reason) if m.kind == DEBIT_REJECTED else "") for m in moments],
        "card_return": request.GET.get("carte", ""),
        "card_saved": SavedCard.objects.filter(billing_account__in=accounts, active=True).first()})
