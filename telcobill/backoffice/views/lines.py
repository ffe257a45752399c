"""Suspend or terminate lines chosen in the admin's line list (the actions' intermediate page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from telcobill.customers.models import Line
from telcobill.errors import TelcobillError
from telcobill.workflows.lines import suspend_line, terminate_line

from ..access import frame, staff_page
from ..forms import SuspendLinesForm, TerminateLinesForm
from ..templatetags.backoffice import euros

PERMISSION = "customers.change_line"


def _selected(request: HttpRequest) -> str:
    return request.POST.get("ids") or request.GET.get("ids", "")


def _page(request, form, title: str, action: str) -> HttpResponse:
    ids = form.line_ids() if form.is_bound and form.is_valid() else [
        int(i) for i in _selected(request).split(",") if i.strip().isdigit()]
    lines = Line.objects.filter(pk__in=ids).select_related("billing_account").order_by("msisdn")
    return render(request, "backoffice/line_action.html",
                  frame(request, title, form=form, lines=lines, action=action),
                  status=400 if form.errors else 200)


@staff_page(PERMISSION)
def suspend_lines(request: HttpRequest) -> HttpResponse:
    form = SuspendLinesForm(request.POST or None, initial={"ids": _selected(request)})
    if request.method == "POST" and form.is_valid():
        for line in Line.objects.filter(pk__in=form.line_ids()).select_related("billing_account__customer"):
            try:
                order = suspend_line(line=line, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"],
                                     by=request.user)
            except TelcobillError as exc:
                messages.error(request, f"{line.msisdn} : {exc.message}")
            else:
                messages.success(request, _("%(msisdn)s suspendue le %(on)s ; ordre de provisioning n° %(order)s "
                                            "envoyé au réseau.")
                                 % {"msisdn": line.msisdn, "on": f"{order.effective_on:%d/%m/%Y}", "order": order.pk})
        return redirect("admin:customers_line_changelist")
    return _page(request, form, _("Suspendre des lignes"), "suspend")


@staff_page(PERMISSION)
def terminate_lines(request: HttpRequest) -> HttpResponse:
    form = TerminateLinesForm(request.POST or None, initial={"ids": _selected(request)})
    if request.method == "POST" and form.is_valid():
        last_day = form.cleaned_data["last_day"]
        for line in Line.objects.filter(pk__in=form.line_ids()).select_related("billing_account__customer"):
            try:
                fee = terminate_line(line=line, last_day=last_day, reason=form.cleaned_data["reason"],
                                     by=request.user)
            except TelcobillError as exc:
                messages.error(request, f"{line.msisdn} : {exc.message}")
                continue
            done = _("%(msisdn)s résiliée, dernier jour de service le %(day)s ; ordre de provisioning envoyé "
                     "au réseau.") % {
                "msisdn": line.msisdn, "day": f"{last_day:%d/%m/%Y}"}
            if fee is not None:
                basis = _("TTC") if fee.includes_vat else _("HT")
                done += " " + _("Frais de résiliation anticipée facturés : %(amount)s %(basis)s (engagement "
                                "jusqu'au %(end)s).") % {"amount": euros(fee.unit_price), "basis": basis,
                                                        "end": f"{line.commitment_end:%d/%m/%Y}"}
            else:
                done += " " + _("Aucun frais de résiliation anticipée.")
            messages.success(request, done)
        return redirect("admin:customers_line_changelist")
    return _page(request, form, _("Résilier des lignes"), "terminate")
