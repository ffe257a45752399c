"""Lines and the provisioning orders sent to the network for them.

Suspending or terminating goes through the line workflow (a later app): the actions lead to a
back-office page by URL name."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Line, ProvisioningOrder
from .display import ReadOnlyAdmin, labelled, link, msisdn_or_none, phone, short_date, titled

# catalogue.ProductKind.PLAN: the customers app may not import the catalogue (a later app).
PLAN_KIND = "plan"


class CommitmentFilter(admin.SimpleListFilter):
    title = _("engagement")
    parameter_name = "commitment"

    def lookups(self, request, model_admin):
        return [("yes", _("Sous engagement")), ("no", _("Sans engagement"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.filter(commitment_end__gt=today)
        if self.value() == "no":
            return queryset.filter(Q(commitment_end__isnull=True) | Q(commitment_end__lte=today))
        return queryset


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    commitment_end_ = labelled(Line, "commitment_end", _("engagement"), show=short_date)
    list_display = ["number", "label", "status", "account_link", "current_plan", "commitment_end_"]
    list_filter = ["status", CommitmentFilter]
    search_fields = ["msisdn", "label", "billing_account__number"]
    list_select_related = ["billing_account"]
    readonly_fields = ["msisdn", "billing_account", "status", "current_plan", "activated_on", "commitment_end",
                       "terminated_on", "orders"]
    fields = ["msisdn", "billing_account", "label", "cost_centre", "status", "current_plan", "activated_on",
              "commitment_end", "terminated_on", "orders"]
    actions = ["suspend_lines", "terminate_lines"]
    show_full_result_count = False

    class Media:
        css = {"all": ["backoffice/admin.css"]}

    def get_queryset(self, request):
        subscription = Line._meta.get_field("subscriptions").related_model
        today = timezone.localdate()
        plan = (subscription.objects.filter(line=OuterRef("pk"), product__kind=PLAN_KIND, starts_on__lte=today)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today)).order_by("-starts_on")
                .values("product__name")[:1])
        return super().get_queryset(request).annotate(plan_name=Subquery(plan))

    def get_search_results(self, request, queryset, search_term):
        # "06 12 34 56 78" finds +33612345678: numbers are stored as E.164.
        return super().get_search_results(request, queryset, msisdn_or_none(search_term) or search_term)

    def has_add_permission(self, request):
        return False  # activation goes through the line workflow (plan, SIM fee, provisioning)

    def has_delete_permission(self, request, obj=None):
        return False  # a line is terminated, never deleted: its invoices cite it

    @admin.display(description=_("numéro de ligne"), ordering="msisdn")
    def number(self, obj):
        return phone(obj.msisdn)

    @admin.display(description=_("compte de facturation"), ordering="billing_account__number")
    def account_link(self, obj):
        return link("admin:customers_billingaccount_change", obj.billing_account_id, obj.billing_account)

    @admin.display(description=_("forfait"), ordering="plan_name")
    def current_plan(self, obj):
        return getattr(obj, "plan_name", None) or "—"

    @admin.display(description=_("ordres de provisioning"))
    def orders(self, obj):
        url = reverse("admin:customers_provisioningorder_changelist") + "?" + urlencode({"line__id__exact": obj.pk})
        return format_html('<a href="{}">{}</a>', url, _("Voir les ordres envoyés au réseau"))

    def _to_page(self, viewname: str, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(reverse(viewname) + "?" + urlencode({"ids": ids}))

    @admin.action(description=_("Suspendre la ligne"), permissions=["change"])
    def suspend_lines(self, request, queryset):
        return self._to_page("backoffice:line_suspend", queryset)

    @admin.action(description=_("Résilier la ligne"), permissions=["change"])
    def terminate_lines(self, request, queryset):
        return self._to_page("backoffice:line_terminate", queryset)


@admin.register(ProvisioningOrder)
class ProvisioningOrderAdmin(ReadOnlyAdmin):
    created_at_ = labelled(ProvisioningOrder, "created_at", _("créé le"), show=short_date)
    action_ = labelled(ProvisioningOrder, "action", _("action"))
    effective_on_ = labelled(ProvisioningOrder, "effective_on", _("effet le"), show=short_date)
    status_ = labelled(ProvisioningOrder, "status", _("statut"))
    attempts_ = labelled(ProvisioningOrder, "attempts", _("envois"))
    sent_at_ = labelled(ProvisioningOrder, "sent_at", _("envoyé le"), show=short_date)
    created_by_ = labelled(ProvisioningOrder, "created_by", _("par"))
    payload_ = labelled(ProvisioningOrder, "payload", _("contenu"))
    last_error_ = labelled(ProvisioningOrder, "last_error", _("dernière erreur"))
    list_display = ["created_at_", "line_link", "action_", "effective_on_", "status_", "attempts_", "sent_at_",
                    "created_by_"]
    list_filter = [("status", titled(_("statut"))), ("action", titled(_("action")))]
    search_fields = ["line__msisdn"]
    list_select_related = ["line", "created_by"]
    fields = readonly_fields = ["line_link", "action_", "effective_on_", "payload_", "status_", "attempts_",
                                "sent_at_", "last_error_", "created_by_", "created_at_"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("ligne"), ordering="line__msisdn")
    def line_link(self, obj):
        return link("admin:customers_line_change", obj.line_id, phone(obj.line.msisdn))
