"""A line's page (plan, options, commitment, status, what it cost), and its label and cost centre."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from telcobill.customers.identifiers import format_msisdn
from telcobill.customers.models import LineStatus
from telcobill.errors import Invalid
from telcobill.usage.services.advice import advice_of
from telcobill.workflows.lines import set_line_details

from ..access import Space
from .fleet import fleet
from .forms import LineDetailsForm
from .pages import lines_page, refusal, support_phone


@lines_page
@require_safe
def line_detail(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    line = space.line(pk)
    today = timezone.localdate()
    row = fleet(space, today, lines=[line])[0]
    return render(request, "portal/lines/detail.html", {
        "space": space, "row": row, "line": line, "today": today, "business": space.customer.is_business,
        "can_change": space.can("lines") and line.status != LineStatus.TERMINATED,
        "support_phone": support_phone(space.customer),
        "advice": advice_of(line, language=get_language() or "fr"),
    })


@lines_page
def edit_line(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    space.require("lines")
    line = space.line(pk)
    form = LineDetailsForm(request.POST if request.method == "POST" else None,
                           initial={"label": line.label, "cost_centre": line.cost_centre})
    if request.method == "POST" and form.is_valid():
        cost_centre = form.cleaned_data["cost_centre"] if space.customer.is_business else line.cost_centre
        try:
            set_line_details(line=line, label=form.cleaned_data["label"], cost_centre=cost_centre, by=space.person)
        except Invalid as error:
            form.add_error("cost_centre" if error.code.startswith("cost_centre") else "label",
                           refusal(error, space.customer))
        else:
            messages.success(request, _("Les informations de la ligne sont enregistrées."))
            return redirect("portal:line", pk=line.pk)
    centres = sorted(set(space.lines().exclude(cost_centre="").values_list("cost_centre", flat=True)), key=str.casefold)
    return render(request, "portal/lines/edit.html", {
        "space": space, "line": line, "number": format_msisdn(line.msisdn), "form": form,
        "business": space.customer.is_business, "centres": centres})
