"""Disputes (closed on their own page, the open ones first) and payment plans with the state of
each instalment. Decisions go through the use cases; rows are never edited by hand."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from telcobill.billing.admin.money import euros
from telcobill.customers.admin.display import ReadOnlyAdmin, ReadOnlyInline, labelled, short_date, titled

from ..models import Dispute, Instalment, PaymentPlan
from ..services import plans
from .common import PaymentsLook, account_column, invoice_column, invoice_numbers, may

INSTALMENT_STATES = {"paid": _("Payée"), "partly": _("Payée en partie"), "due": _("À venir"),
                     "missed": _("Manquée")}


# --- Disputes ------------------------------------------------------------------------------------

class DisputeStateFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("open", _("En cours")), ("closed", _("Close"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(outcome=Dispute.Outcome.OPEN)
        if self.value() == "closed":
            return queryset.exclude(outcome=Dispute.Outcome.OPEN)
        return queryset


@admin.register(Dispute)
class DisputeAdmin(PaymentsLook, ReadOnlyAdmin):
    """Contestations: the open ones first; each is closed on its own page (an outcome, a note)."""

    opened_at_ = labelled(Dispute, "opened_at", _("ouverte le"), show=short_date)
    closed_at_ = labelled(Dispute, "closed_at", _("close le"), show=short_date)
    outcome_ = labelled(Dispute, "outcome", _("issue"))
    closed_by_ = labelled(Dispute, "closed_by", _("close par"))
    invoice_ = invoice_column()
    account = account_column(via="invoice")
    list_display = ["opened_at_", "invoice_", "account", "reason_code", "description", "outcome_", "closed_at_"]
    list_filter = [DisputeStateFilter, ("outcome", titled(_("issue")))]
    search_fields = ["invoice__number", "invoice__billing_account__number", "description"]
    list_select_related = ["invoice__billing_account"]
    ordering = [F("closed_at").desc(nulls_first=True), "-opened_at"]
    fields = readonly_fields = ["invoice_", "account", "opened_at_", "reason_code", "description", "outcome_",
                                "closed_at_", "closed_by_", "note"]

    # The "Clore…" column and field, for staff who may close disputes only.
    def get_list_display(self, request):
        return [*self.list_display, "close"] if may(request, "change_dispute") else self.list_display

    def get_fields(self, request, obj=None):
        return [*self.fields, "close"] if may(request, "change_dispute") else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("décision"))
    def close(self, obj):
        if obj.outcome:
            return "—"
        return format_html('<a class="button" href="{}">{}</a>', reverse("backoffice:dispute_close", args=[obj.pk]),
                           _("Clore…"))


# --- Payment plans -------------------------------------------------------------------------------

class InstalmentInline(ReadOnlyInline):
    """The instalments with what is paid of each (`plans.progress`, as of today)."""

    model = Instalment
    fields = readonly_fields = ["number", "due_on_", "amount_", "covered", "state"]
    due_on_ = labelled(Instalment, "due_on", _("échéance"), show=short_date)
    amount_ = labelled(Instalment, "amount", _("montant"), show=euros)

    def _progress(self, plan) -> dict:
        # One computation per plan and request: inline instances are made for each request.
        cache = self.__dict__.setdefault("_states", {})
        if plan.pk not in cache:
            _, states = plans.progress(plan, timezone.localdate())
            cache[plan.pk] = {s.instalment.pk: s for s in states}
        return cache[plan.pk]

    @admin.display(description=_("payé"))
    def covered(self, obj):
        return euros(self._progress(obj.plan)[obj.pk].covered)

    @admin.display(description=_("état"))
    def state(self, obj):
        return INSTALMENT_STATES[self._progress(obj.plan)[obj.pk].state]


@admin.register(PaymentPlan)
class PaymentPlanAdmin(PaymentsLook, ReadOnlyAdmin):
    """Échéanciers: set up by the customer or by staff through the use case, completed or broken
    by the daily review."""

    created_at_ = labelled(PaymentPlan, "created_at", _("accordé le"), show=short_date)
    ended_at_ = labelled(PaymentPlan, "ended_at", _("fin le"), show=short_date)
    status_ = labelled(PaymentPlan, "status", _("statut"))
    created_by_ = labelled(PaymentPlan, "created_by", _("accordé par"))
    total_ = labelled(PaymentPlan, "total", _("montant"), show=euros)
    account = account_column()
    invoices_ = staticmethod(invoice_numbers)
    list_display = ["created_at_", "account", "total_", "instalment_count", "status_", "channel"]
    list_filter = [("status", titled(_("statut")))]
    search_fields = ["billing_account__number", "billing_account__name"]
    list_select_related = ["billing_account"]
    fields = readonly_fields = ["account", "total_", "paid", "status_", "invoices_", "channel", "created_at_",
                                "created_by_", "ended_at_"]
    inlines = [InstalmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(instalment_total=Count("instalments"))

    @admin.display(description=_("échéances"), ordering="instalment_total")
    def instalment_count(self, obj):
        return obj.instalment_total

    @admin.display(description=_("payé sur l'échéancier"))
    def paid(self, obj):
        return euros(plans.progress(obj, timezone.localdate())[0])
