"""What every payments page shares: the billing account it is about, found only inside the
customer's space, and what the person's role lets the page offer."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from telcobill.customers.models import BillingAccount

from ..access import Space


def account_of(space: Space, number: str) -> BillingAccount:
    """The space's billing account numbered `number`; another customer's answers 404."""
    account = space.accounts().select_related("customer").filter(number=number).first()
    if account is None:
        raise Http404("no such billing account")
    return account


def page(request: HttpRequest, template: str, space: Space, context: dict) -> HttpResponse:
    """A payments page, told which actions to offer (an action not offered is also refused: 403)."""
    may = {action: space.can(action) for action in ("pay", "bank_details")}
    return render(request, f"portal/payments/{template}", {"space": space, "may": may, **context})
