"""Suspendre une ligne perdue ou volée: a confirmation page saying what happens next, then the
line's suspend use case (the network bars it through a provisioning order; audited)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from telcobill.customers.models import LineStatus
from telcobill.workflows.lines import suspend_line

from ..access import Space
from .fleet import fleet
from .forms import SuspendForm
from .pages import lines_page, support_phone

REASONS = {"perte": "lost", "vol": "stolen"}


@lines_page
def suspend_page(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    space.require("lines")
    line = space.line(pk)
    today = timezone.localdate()
    row = fleet(space, today, lines=[line])[0]
    form = SuspendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and line.status == LineStatus.ACTIVE and form.is_valid():
        suspend_line(line=line, on=today, reason=REASONS[form.cleaned_data["reason"]], by=space.person)
        messages.success(request, _("C'est fait : la ligne %(number)s est suspendue.") % {"number": row.number})
        return redirect("portal:line", pk=line.pk)
    return render(request, "portal/lines/suspend.html", {
        "space": space, "row": row, "line": line, "form": form, "active": line.status == LineStatus.ACTIVE,
        "support_phone": support_phone(space.customer)},
        status=400 if request.method == "POST" else 200)
