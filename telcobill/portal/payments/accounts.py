"""What every payments page shares: the billing account it is about, found only inside the
customer's space, the operator's account to pay by transfer, and the page's rendering."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from schwifty import IBAN

from telcobill.customers.models import BillingAccount

from ..access import Space


def account_of(space: Space, number: str) -> BillingAccount:
    """The space's billing account numbered `number`; another customer's answers 404."""
    account = space.accounts().select_related("customer").filter(number=number).first()
    if account is None:
        raise Http404("no such billing account")
    return account


def transfer_details() -> dict:
    """The operator's account a customer pays by transfer to, IBAN grouped by 4 as on a RIB."""
    operator = settings.OPERATOR
    return {"name": operator["name"], "iban": IBAN(operator["iban"]).formatted, "bic": operator["bic"]}


def page(request: HttpRequest, template: str, space: Space, context: dict) -> HttpResponse:
    """A payments page; it offers the actions the role allows (`space.allows`), and an action not
    offered is also refused (403)."""
    return render(request, f"portal/payments/{template}", {"space": space, **context})
