"""The dunning queue, where staff approve or decline suspension proposals in bulk (one decision
per proposal, each reported), and the dunning steps the operator configures (audited)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from telcobill.billing.admin.money import euros
from telcobill.customers.admin.display import ReadOnlyAdmin, audit, labelled, link, short_date, titled
from telcobill.errors import TelcobillError

from ..models import DunningRecord, DunningStatus, DunningStep
from ..services.dunning import decide_suspension
from .common import ACCOUNT_PAGE, PaymentsLook, account_column, invoice_column, may

STEP_SHORT = {"reminder": _("relance"), "penalty": _("pénalités"), "suspension": _("suspension")}


class DunningStatusFilter(admin.SimpleListFilter):
    """The statuses, "À décider" (the suspension queue) first."""

    title = _("statut")
    parameter_name = "status"
    ORDER = [DunningStatus.PROPOSED, DunningStatus.APPROVED, DunningStatus.DECLINED, DunningStatus.DONE,
             DunningStatus.SKIPPED]

    def lookups(self, request, model_admin):
        return [(status.value, status.label) for status in self.ORDER]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(DunningRecord)
class DunningRecordAdmin(PaymentsLook, ReadOnlyAdmin):
    """Relances: each step taken for an unpaid invoice. Suspension proposals ("À décider") are
    approved or declined with the list's actions, one decision per proposal."""

    on_ = labelled(DunningRecord, "on", _("le"), show=short_date)
    status_ = labelled(DunningRecord, "status", _("statut"))
    decided_at_ = labelled(DunningRecord, "decided_at", _("décidé le"), show=short_date)
    decided_by_ = labelled(DunningRecord, "decided_by", _("décidé par"))
    amount_due_ = labelled(DunningRecord, "amount_due", _("reste dû"), show=euros)
    invoice_ = invoice_column()
    account = account_column(via="invoice")
    list_display = ["invoice_number", "account_short", "due_date", "days_late", "amount_due_", "step_", "status_"]
    list_filter = [DunningStatusFilter, ("step", titled(_("étape"), admin.RelatedFieldListFilter))]
    search_fields = ["invoice__number", "invoice__billing_account__number", "invoice__billing_account__name"]
    list_select_related = ["invoice__billing_account", "step"]
    fields = readonly_fields = ["invoice_", "account", "due_date", "days_late", "amount_due_", "step", "on_",
                                "status_", "detail", "decided_by_", "decided_at_"]
    actions = ["approve_suspensions", "decline_suspensions"]
    date_hierarchy = "on"

    def has_decide_permission(self, request) -> bool:
        return may(request, "change_dunningrecord")

    @admin.display(description=_("facture"), ordering="invoice__number")
    def invoice_number(self, obj):
        return obj.invoice.number  # the list links it to the record's page; the invoice is linked there

    @admin.display(description=_("compte"), ordering="invoice__billing_account__number")
    def account_short(self, obj):
        """The number, and the name below it: the queue has many columns to show side by side."""
        account = obj.invoice.billing_account
        return format_html("{}<br>{}", link(ACCOUNT_PAGE, account.pk, account.number), account.name)

    @admin.display(description=_("échéance"), ordering="invoice__due_date")
    def due_date(self, obj):
        return short_date(obj.invoice.due_date)

    @admin.display(description=_("retard (j)"))
    def days_late(self, obj):
        """Today for a proposal waiting for staff (what they decide on), else on the step's day."""
        on = timezone.localdate() if obj.status == DunningStatus.PROPOSED else obj.on
        return (on - obj.invoice.due_date).days

    @admin.display(description=_("étape"), ordering="step__days")
    def step_(self, obj):
        return f"J+{obj.step.days} {STEP_SHORT.get(obj.step.action, obj.step.action)}"

    @admin.action(description=_("Approuver la suspension"), permissions=["decide"])
    def approve_suspensions(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Refuser la suspension"), permissions=["decide"])
    def decline_suspensions(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve: bool) -> None:
        """One decision per selected proposal, reported one by one: a refusal of one (already
        decided, paid meanwhile) does not stop the others."""
        for record in queryset.select_related("invoice", "step").order_by("invoice__number", "pk"):
            number = record.invoice.number
            if record.status != DunningStatus.PROPOSED:
                self.message_user(request, _("%(invoice)s (%(step)s) : pas une proposition à décider (%(status)s).")
                                  % {"invoice": number, "step": record.step, "status": record.get_status_display()},
                                  messages.WARNING)
                continue
            try:
                orders = decide_suspension(record, approve=approve, by=request.user)
            except TelcobillError as exc:
                self.message_user(request, f"{number} : {exc.message}", messages.ERROR)
                continue
            if approve:
                lines = ", ".join(order.line.msisdn for order in orders) or _("aucune ligne active")
                self.message_user(request, _("%(invoice)s : suspension approuvée, %(n)d ordre(s) de suspension "
                                             "envoyé(s) au réseau (%(lines)s).")
                                  % {"invoice": number, "n": len(orders), "lines": lines}, messages.SUCCESS)
            else:
                self.message_user(request, _("%(invoice)s : suspension refusée ; les lignes restent actives.")
                                  % {"invoice": number}, messages.SUCCESS)


@admin.register(DunningStep)
class DunningStepAdmin(PaymentsLook, admin.ModelAdmin):
    """The steps the operator configures (days after the due date, action, e-mail text); each
    change is audited. A step already taken is kept: deactivate it rather than delete it."""

    list_display = ["days", "code", "action", "audience", "subject", "active"]
    list_filter = ["action", "audience", "active"]
    fields = ["code", "days", "action", "audience", "subject", "body", "active"]
    ordering = ["days", "pk"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data:
            audit(request, "payments.dunning_step_changed",
                  f"Étape de relance {obj.code} : {', '.join(form.changed_data)} modifié(s) dans le back office",
                  step=obj.code, fields=form.changed_data)
