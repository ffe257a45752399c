"""Alertes conso: the allowance thresholds that send an alert, and the roaming data cap outside
the EU (lifting it is confirmed, audited and sent to the network: workflows/lines.py)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from telcobill.money import incl_vat, to_cents
from telcobill.usage.services.alert_preferences import set_alert_thresholds, thresholds_of
from telcobill.usage.services.consumption import standard_vat_rate
from telcobill.workflows.lines import set_roaming_cap

from ..access import Space, customer_page
from .forms import AlertThresholds, LiftRoamingCap
from .lines import line_context


def _cap(space: Space) -> dict:
    """The cap as the customer reads it (it is set excl. VAT: RULES.md)."""
    cap = Decimal(settings.USAGE["roaming_cap"])
    rate = standard_vat_rate(timezone.localdate())
    return {"cap_excl": to_cents(cap), "cap_incl": incl_vat(cap, rate),
            "business": space.customer.is_business}


@customer_page
@require_http_methods(["GET", "POST"])
def alerts(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    line = space.line(pk)
    form = AlertThresholds(initial={"seuils": list(thresholds_of([line.pk])[line.pk])})
    if request.method == "POST":
        space.require("lines")
        form = AlertThresholds(request.POST)
        if form.is_valid():
            set_alert_thresholds(line=line, thresholds=form.cleaned_data["seuils"], by=space.person)
            messages.success(request, _("Vos préférences d'alertes sont enregistrées."))
            return redirect("portal:usage_alerts", line.pk)
    return render(request, "portal/usage/alerts.html", {
        **line_context(space, line, "alerts"), "form": form,
        "email": line.billing_account.email, **_cap(space)})


@customer_page
@require_http_methods(["GET", "POST"])
def roaming_cap(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    """GET: what lifting the cap means, to confirm. POST: lift it (confirmed) or restore it."""
    line = space.line(pk)
    space.require("lines")
    form = LiftRoamingCap()
    if request.method == "POST":
        if request.POST.get("plafond") == "retablir":
            set_roaming_cap(line=line, opt_out=False, on=timezone.localdate(), by=space.person)
            messages.success(request, _("Le plafond est rétabli : l'internet mobile hors Union européenne sera "
                                        "coupé s'il est atteint."))
            return redirect("portal:usage_alerts", line.pk)
        form = LiftRoamingCap(request.POST)
        if form.is_valid():
            set_roaming_cap(line=line, opt_out=True, on=timezone.localdate(), by=space.person)
            messages.success(request, _("Le plafond est levé. Vous recevrez toujours une alerte à 80 % et à 100 % "
                                        "du plafond."))
            return redirect("portal:usage_alerts", line.pk)
    return render(request, "portal/usage/roaming_cap.html", {
        **line_context(space, line, "alerts"), "form": form, **_cap(space)})
