"""A billing account's address, billing e-mail and invoice preferences (e-facture, PDF, language):
the holder's (space.require("account")); another customer's account answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from telcobill.customers.models import BillingAccount, ContactField
from telcobill.customers.services.billing_address import change_billing_address
from telcobill.customers.services.invoice_preferences import change_invoice_preferences
from telcobill.errors import Invalid

from ..access import Space, customer_page
from .contact import ask_code
from .forms import AddressForm, ContactForm, InvoicePreferencesForm, show_refusal


def holder_account(space: Space, account_id: int) -> BillingAccount:
    space.require("account")
    return get_object_or_404(space.accounts(), pk=account_id)


@customer_page
def address(request: HttpRequest, space: Space, account_id: int) -> HttpResponse:
    account = holder_account(space, account_id)
    form = AddressForm(request.POST or None, initial={
        "address_line1": account.address_line1, "address_line2": account.address_line2,
        "postcode": account.postcode, "city": account.city, "country_code": account.country_code})
    if request.method == "POST" and form.is_valid():
        try:
            change_billing_address(account, by=request.user, **form.cleaned_data)
        except Invalid as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Adresse de facturation enregistrée : elle figurera sur vos prochaines "
                                        "factures."))
            return redirect("portal:account")
    return render(request, "portal/account/address.html", {"space": space, "account": account, "form": form})


@customer_page
def invoicing(request: HttpRequest, space: Space, account_id: int) -> HttpResponse:
    account = holder_account(space, account_id)
    form = InvoicePreferencesForm(request.POST or None, initial={
        "paperless": "yes" if account.paperless else "no", "with_pdf": account.paperless_pdf,
        "language": account.language})
    if request.method == "POST" and form.is_valid():
        try:
            change_invoice_preferences(account, by=request.user, **form.cleaned_data)
        except Invalid as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Vos préférences de facturation sont enregistrées."))
            return redirect("portal:account")
    return render(request, "portal/account/invoicing.html", {"space": space, "account": account, "form": form})


@customer_page
def billing_email(request: HttpRequest, space: Space, account_id: int) -> HttpResponse:
    account = holder_account(space, account_id)
    form = ContactForm(request.POST or None, kind="email")
    if request.method == "POST" and form.is_valid():
        challenge = ask_code(request, form, ContactField.BILLING_EMAIL, account=account)
        if challenge:
            return redirect("portal:account_code", challenge.pk)
    return render(request, "portal/account/contact.html", {
        "space": space, "form": form, "account": account, "field": ContactField.BILLING_EMAIL,
        "current": account.email})
