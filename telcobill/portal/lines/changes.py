"""Changer d'offre: a plan or an option chosen, its price effect on the next invoice (the billing
engine's preview) and the day it takes effect, then the change confirmed through the line's use
cases (recorded, billed by the bill run, sent to the network as a provisioning order)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from telcobill.catalogue.models import ProductKind
from telcobill.catalogue.offers import on_sale
from telcobill.errors import TelcobillError
from telcobill.money import incl_vat
from telcobill.workflows import change_preview, lines

from ..access import Space
from ..templatetags.portal import day
from .fleet import fleet
from .pages import lines_page, refusal


@lines_page
def change_plan_page(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    space.require("lines")
    line = space.line(pk)
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("forfait", "")
    row = fleet(space, today, lines=[line])[0]
    offers = [o for o in on_sale(ProductKind.PLAN, segment=space.customer.kind, on=today, language=_language())
              if not row.plan or o.code != row.plan.code]
    chosen = next((o for o in offers if o.code == code), None)
    preview = error = None
    if data.get("etape") and not code:
        error = _("Choisissez un forfait dans la liste.")
    elif code:
        try:
            if request.method == "POST":
                effective = lines.change_plan(line=line, plan_code=code, requested_on=today, by=space.person)
                messages.success(request, _("C'est noté : la ligne %(number)s passe au %(plan)s le %(day)s. "
                                            "Le changement est envoyé au réseau et figurera sur votre "
                                            "prochaine facture.") % {
                    "number": row.number, "plan": chosen.name if chosen else code, "day": day(effective)})
                return redirect("portal:line", pk=line.pk)
            preview = change_preview.preview_plan_change(line=line, plan_code=code, requested_on=today)
        except TelcobillError as refused:
            error = refusal(refused, space.customer)
    return render(request, "portal/lines/plan.html", {
        **_context(space, row, preview, chosen.name if chosen else ""),
        "offers": offers, "code": code, "chosen": chosen, "error": error},
        status=400 if error and request.method == "POST" else 200)


@lines_page
def options_page(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    space.require("lines")
    line = space.line(pk)
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else request.GET
    action = "retirer" if data.get("retirer") or data.get("action") == "retirer" else "ajouter"
    code = data.get("option") or data.get("retirer") or data.get("ajouter") or ""
    row = fleet(space, today, lines=[line])[0]
    offers = on_sale(ProductKind.OPTION, segment=space.customer.kind, on=today, language=_language())
    names = {o.code: o.name for o in offers} | {o.code: o.name for o in row.options}
    prices = {o.code: o.price for o in offers}
    preview = error = None
    if data.get("etape") and not code:
        error = _("Choisissez une option dans la liste.")
    elif code:
        try:
            if request.method == "POST":
                return _apply_option(request, space, line, row, action, code, names.get(code, code), today)
            preview = (change_preview.preview_remove_option(line=line, option_code=code, on=today)
                       if action == "retirer" else
                       change_preview.preview_add_option(line=line, option_code=code, on=today))
        except TelcobillError as refused:
            error = refusal(refused, space.customer)
    mine = {o.code for o in row.options}
    available = [o for o in offers if o.code not in mine
                 and (not o.compatible_plans or (row.plan and row.plan.code in o.compatible_plans))]
    return render(request, "portal/lines/options.html", {
        **_context(space, row, preview, _change_name(action, names.get(code, code))),
        "available": available, "code": code, "action": action,
        "chosen_name": names.get(code, code), "error": error,
        "active": [(o, prices.get(o.code)) for o in row.options]},
        status=400 if error and request.method == "POST" else 200)


def _apply_option(request, space: Space, line, row, action: str, code: str, name: str, today) -> HttpResponse:
    words = {"number": row.number, "day": day(today), "option": name}
    if action == "retirer":
        lines.remove_option(line=line, option_code=code, on=today, by=space.person)
        messages.success(request, _("C'est noté : l'option %(option)s est retirée de la ligne %(number)s "
                                    "à partir du %(day)s. Les jours déjà payés vous seront remboursés sur la "
                                    "prochaine facture.") % words)
    else:
        lines.add_option(line=line, option_code=code, on=today, by=space.person)
        messages.success(request, _("C'est noté : l'option %(option)s est ajoutée à la ligne %(number)s "
                                    "à partir du %(day)s. Elle figurera sur votre prochaine facture.") % words)
    return redirect("portal:line", pk=line.pk)


def _context(space: Space, row, preview, new_name: str = "") -> dict:
    rows = []
    if preview is not None:
        rows = [{"line": p, "incl_vat": incl_vat(p.net_amount, p.vat_rate)} for p in preview.lines]
    return {"space": space, "row": row, "line": row.line, "preview": preview, "rows": rows, "new_name": new_name,
            "business": space.customer.is_business, "today": timezone.localdate()}


def _change_name(action: str, option: str) -> str:
    if action == "retirer":
        return _("sans %(option)s") % {"option": option}
    return _("avec %(option)s") % {"option": option}


def _language() -> str:
    return get_language() or "fr"
