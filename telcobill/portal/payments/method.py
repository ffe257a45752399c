"""Mode de paiement: how each billing account pays (direct debit under its mandate, a saved card,
or transfer to the operator's account), the mandate as a PDF, and a card saved on the provider's
page. Only the holder changes bank details."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telcobill.billing.models import DocumentKind, Invoice
from telcobill.customers.models import BillingAccount
from telcobill.payments.models import Collection, CollectionStatus, Mandate, MandateStatus, SavedCard
from telcobill.payments.services.card_provider import ProviderFailure
from telcobill.payments.services.cards import cards_available, save_card
from telcobill.payments.services.mandate_pdf import render_mandate_pdf

from ..access import Space, customer_page
from .accounts import account_of, page, transfer_details


def how_each_pays(accounts: list[BillingAccount]) -> list[dict]:
    """Each billing account with its payment method and what it rests on (a fixed number of
    queries whatever the number of accounts)."""
    mandates = {m.billing_account_id: m for m in Mandate.objects.filter(billing_account__in=accounts,
                                                                        status=MandateStatus.ACTIVE)}
    cards = {c.billing_account_id: c for c in SavedCard.objects.filter(billing_account__in=accounts, active=True)}
    ended = {}
    for mandate in Mandate.objects.filter(billing_account__in=accounts).exclude(status=MandateStatus.ACTIVE):
        ended.setdefault(mandate.billing_account_id, []).append(mandate)
    next_debits = {}
    for collection in (Collection.objects.filter(invoice__billing_account__in=accounts,
                                                 status=CollectionStatus.PLANNED)
                       .select_related("invoice", "mandate").order_by("-collect_on")):
        next_debits[collection.invoice.billing_account_id] = collection
    last = (Invoice.objects.filter(billing_account=OuterRef("pk"), kind=DocumentKind.INVOICE, number__isnull=False)
            .order_by("-issue_date").values("number")[:1])
    last_invoices = dict(BillingAccount.objects.filter(pk__in=[a.pk for a in accounts])
                         .annotate(last=Subquery(last)).values_list("pk", "last"))
    return [{"account": a, "method": a.payment_method, "mandate": mandates.get(a.pk), "card": cards.get(a.pk),
             "ended": sorted(ended.get(a.pk, []), key=lambda m: m.signed_at, reverse=True),
             "next_debit": next_debits.get(a.pk), "last_invoice": last_invoices.get(a.pk)}
            for a in accounts]


@customer_page
def payment_method(request: HttpRequest, space: Space) -> HttpResponse:
    space.require("bank_details")
    return page(request, "method.html", space, {
        "rows": how_each_pays(list(space.accounts().order_by("number"))), "cards": cards_available(),
        "operator": transfer_details()})


@customer_page
def mandate_pdf(request: HttpRequest, space: Space, reference: str) -> HttpResponse:
    """The mandate as signed (any of the space's, also an ended one: it says so)."""
    space.require("bank_details")
    mandate = Mandate.objects.filter(reference=reference, billing_account__in=space.accounts()).first()
    if mandate is None:
        raise Http404("no such mandate")
    return HttpResponse(render_mandate_pdf(mandate), content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="mandat-{mandate.reference}.pdf"'})


@require_POST
@customer_page
def card_setup(request: HttpRequest, space: Space, account: str) -> HttpResponse:
    """To the provider's page where the card is saved; it comes back to /paiement/?carte=…"""
    space.require("bank_details")
    account = account_of(space, account)
    if not cards_available():
        messages.error(request, _("Le paiement par carte n'est pas disponible pour le moment."))
        return redirect("portal:payment_method")
    try:
        return redirect(save_card(account, by=space.person))
    except ProviderFailure:
        messages.error(request, _("La page d'enregistrement de la carte n'a pas pu s'ouvrir. Réessayez dans "
                                  "quelques minutes."))
        return redirect("portal:payment_method")
