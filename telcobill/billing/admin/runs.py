"""Numbering series (read only) and the bill runs' entry, which leads to their control page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from telcobill.customers.admin.display import ReadOnlyAdmin, labelled, short_date

from ..models import BillRun, NumberSeries


@admin.register(NumberSeries)
class NumberSeriesAdmin(ReadOnlyAdmin):
    code_ = labelled(NumberSeries, "code", _("série"))
    last_value_ = labelled(NumberSeries, "last_value", _("dernier numéro attribué"))
    last_issue_date_ = labelled(NumberSeries, "last_issue_date", _("date du dernier document"), show=short_date)
    list_display = fields = readonly_fields = ["code_", "last_value_", "last_issue_date_"]


@admin.register(BillRun)
class BillRunAdmin(ReadOnlyAdmin):
    """The bill runs are controlled from their back-office page; the admin entry leads there."""

    def changelist_view(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("backoffice:billrun_list"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = BillRun.objects.filter(pk=object_id).first()
        if run is None:
            return HttpResponseRedirect(reverse("backoffice:billrun_list"))
        return HttpResponseRedirect(reverse("backoffice:billrun_detail", args=[run.cycle]))
