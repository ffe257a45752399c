"""Mes paiements: what is left to pay (or the credit), how each account pays, and every payment
moment of the customer's accounts, newest first (`payments.services.timeline`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from telcobill.money import ZERO
from telcobill.payments.services import ledger, plans
from telcobill.payments.services.timeline import DEBIT_PLANNED, DEBIT_REJECTED, timeline

from ..access import Space, customer_page
from .accounts import page
from .method import how_each_pays
from .words import bank_reason


@customer_page
def payments(request: HttpRequest, space: Space) -> HttpResponse:
    space.require("see_invoices")
    today = timezone.localdate()
    accounts = list(space.accounts().order_by("number"))
    balance = ledger.balance(*accounts)
    overdue = [(account, total) for account in accounts for _, total in [plans.eligible(account, today)] if total > 0]
    moments = timeline(accounts, since=space.oldest_visible, today=today)
    upcoming = sorted((m for m in moments if m.kind == DEBIT_PLANNED), key=lambda m: m.on)
    methods = how_each_pays(accounts)
    return page(request, "timeline.html", space, {
        "today": today, "several": len(accounts) > 1, "business": space.customer.is_business,
        "owed": balance.owed, "credit": balance.credit,
        "overdue": overdue, "overdue_total": sum((total for _, total in overdue), ZERO),
        "next_debit": upcoming[0] if upcoming else None, "methods": methods,
        "rows": [(m, bank_reason(m.reason) if m.kind == DEBIT_REJECTED else "") for m in moments],
        "card_return": request.GET.get("carte", ""),
        # the card just saved, if its webhook has come (the first saved, should several accounts have one)
        "card_saved": min((row["card"] for row in methods if row["card"]), key=lambda card: card.pk, default=None)})
