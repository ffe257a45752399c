"""Mon compte: the person's contact details and language, each billing account's address, billing
e-mail and invoice preferences, and who has access (for the holder)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from telcobill.customers.services.people import members

from ..access import Space, customer_page


@customer_page
def overview(request: HttpRequest, space: Space) -> HttpResponse:
    # Billing details are the customer's: shown to those who see its invoices, changed by the holder.
    accounts = list(space.accounts().order_by("number")) if space.can("see_invoices") else []
    return render(request, "portal/account/overview.html", {
        "space": space, "person": request.user, "accounts": accounts,
        "members": members(space.customer) if space.can("people") else None})
