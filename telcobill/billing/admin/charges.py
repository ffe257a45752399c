"""Pending one-off fees and manual adjustments (billed on the account's next document)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telcobill.billing.services.adjustments import add_adjustment
from telcobill.customers.admin.display import labelled, link, phone, short_date, titled

from ..models import Charge, InvoiceStatus
from .money import euros


class PendingFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", _("À facturer")), ("invoiced", _("Facturé"))]

    def queryset(self, request, queryset):
        issued = Q(invoice__status=InvoiceStatus.ISSUED)
        if self.value() == "pending":
            return queryset.exclude(issued)
        if self.value() == "invoiced":
            return queryset.filter(issued)
        return queryset


class ManualAdjustmentForm(forms.ModelForm):
    """A manual adjustment: billed on the account's next document (negative: a credit)."""

    class Meta:
        model = Charge
        fields = ["billing_account", "line", "description", "unit_price", "includes_vat", "charged_on"]
        labels = {
            "billing_account": _("Compte de facturation"),
            "line": _("Ligne (facultatif)"),
            "description": _("Libellé imprimé sur la facture"),
            "unit_price": _("Montant"),
            "includes_vat": _("Montant TTC"),
            "charged_on": _("Date"),
        }
        help_texts = {
            "unit_price": _("En euros. Un montant négatif est un crédit sur la prochaine facture."),
            "includes_vat": _("Décochez si le montant est hors taxes. TVA au taux normal."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_price"].required = True
        self.fields["unit_price"].localize = True
        self.fields["unit_price"].widget.is_localized = True
        self.fields["charged_on"].initial = timezone.localdate

    def clean_unit_price(self):
        amount = self.cleaned_data["unit_price"]
        if amount == 0:
            raise forms.ValidationError(_("Un ajustement de 0 € n'a pas d'effet."), code="zero")
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Au centime près : deux décimales au plus."), code="cents")
        return amount

    def clean(self):
        cleaned = super().clean()
        account, line = cleaned.get("billing_account"), cleaned.get("line")
        if account and line and line.billing_account_id != account.pk:
            self.add_error("line", _("Cette ligne appartient à un autre compte de facturation."))
        return cleaned


@admin.register(Charge)
class ChargeAdmin(admin.ModelAdmin):
    charged_on_ = labelled(Charge, "charged_on", _("date"), show=short_date)
    section_ = labelled(Charge, "section", _("section"))
    created_by_ = labelled(Charge, "created_by", _("saisi par"))
    created_at_ = labelled(Charge, "created_at", _("saisi le"), show=short_date)
    product_ = labelled(Charge, "product", _("produit"))
    quantity_ = labelled(Charge, "quantity", _("quantité"))
    vat_rule_code_ = labelled(Charge, "vat_rule_code", _("règle de TVA"))
    list_display = ["charged_on_", "account_link", "line_", "label", "amount", "section_", "state", "created_by_"]
    list_filter = [PendingFilter, ("section", titled(_("section"))),
                   ("includes_vat", titled(_("montant TTC"), admin.BooleanFieldListFilter))]
    search_fields = ["billing_account__number", "description", "line__msisdn", "product__code"]
    list_select_related = ["billing_account", "line", "product", "invoice", "created_by"]
    autocomplete_fields = ["billing_account", "line"]
    date_hierarchy = "charged_on"
    show_full_result_count = False

    class Media:
        css = {"all": ["backoffice/admin.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ManualAdjustmentForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ManualAdjustmentForm._meta.fields
        return ["account_link", "line_", "product_", "section_", "label", "charged_on_", "quantity_", "amount",
                "vat_rule_code_", "state", "created_by_", "created_at_"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    # A pending charge is corrected with another adjustment, so that the history stays readable.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        charge = add_adjustment(account=obj.billing_account, amount=obj.unit_price, includes_vat=obj.includes_vat,
                                description=obj.description, charged_on=obj.charged_on, line=obj.line,
                                by=request.user)
        obj.pk = charge.pk
        obj.refresh_from_db()

    @admin.display(description=_("compte de facturation"), ordering="billing_account__number")
    def account_link(self, obj):
        return link("admin:customers_billingaccount_change", obj.billing_account_id, obj.billing_account.number)

    @admin.display(description=_("ligne"), ordering="line__msisdn")
    def line_(self, obj):
        return phone(obj.line.msisdn) if obj.line else "—"

    @admin.display(description=_("libellé"))
    def label(self, obj):
        return obj.description or (obj.product.name if obj.product else "—")

    @admin.display(description=_("montant"))
    def amount(self, obj):
        if obj.unit_price is None:
            return _("prix du catalogue")
        return f"{euros(obj.unit_price * obj.quantity)} {'TTC' if obj.includes_vat else 'HT'}"

    @admin.display(description=_("état"))
    def state(self, obj):
        if obj.invoice is None:
            return _("À facturer")
        label = obj.invoice.number or _("brouillon %(cycle)s") % {"cycle": obj.invoice.cycle}
        return link("admin:billing_invoice_change", obj.invoice_id, label)
