"""Customers and their billing accounts."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from telcobill.errors import Invalid

from ..identifiers import clean_siret
from ..models import BillingAccount, Customer, Line
from .display import ReadOnlyInline, audit, labelled, link, phone, short_date
from .people import CustomerAccessInline

# Changes to these are recorded as audit events (who changed a customer's money details).
SENSITIVE_ACCOUNT_FIELDS = ("email", "payment_method", "debit_iban", "mandate_reference", "siret",
                            "electronic_address_scheme", "electronic_address", "einvoice_syntax", "payment_terms_days")


def _compact(value: str) -> str:
    return (value or "").replace(" ", "").replace("\u00a0", "")


def _checked(clean, value, **kwargs):
    """An identifier checked by its customers function, or a form error with its message."""
    if not value:
        return value
    try:
        return clean(_compact(value), **kwargs)
    except Invalid as exc:
        raise forms.ValidationError(exc.message, code="invalid") from None


class CustomerForm(forms.ModelForm):
    """Identifiers are checked by Customer.clean(); here they may be typed as people write them
    ("443 061 841") and are stored without spaces."""

    siren = forms.CharField(label="SIREN", max_length=20, required=False)
    siret = forms.CharField(label=_("SIRET du siège"), max_length=24, required=False)
    vat_number = forms.CharField(label=_("N° de TVA intracommunautaire"), max_length=24, required=False)

    class Meta:
        model = Customer
        fields = ["number", "kind", "name", "first_name", "last_name", "legal_form", "siren", "siret", "vat_number"]

    def clean_siren(self):
        return _compact(self.cleaned_data.get("siren"))

    def clean_siret(self):
        return _compact(self.cleaned_data.get("siret"))

    def clean_vat_number(self):
        return _compact(self.cleaned_data.get("vat_number"))


class BillingAccountForm(forms.ModelForm):
    siret = forms.CharField(label="SIRET", max_length=24, required=False)

    class Meta:
        model = BillingAccount
        fields = ["customer", "number", "name", "language", "paperless", "email", "address_line1", "address_line2",
                  "postcode", "city", "country_code", "payment_method", "payment_terms_days", "debit_iban",
                  "mandate_reference", "siret", "electronic_address_scheme", "electronic_address", "einvoice_syntax"]
        labels = {"customer": _("Client")}

    def clean_siret(self):
        return _checked(clean_siret, self.cleaned_data.get("siret"))


class BillingAccountInline(ReadOnlyInline):
    model = BillingAccount
    fields = readonly_fields = ["account_link", "name", "email", "payment_method", "language", "paperless"]

    @admin.display(description=_("compte de facturation"))
    def account_link(self, obj):
        return link("admin:customers_billingaccount_change", obj.pk, obj.number)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CustomerForm
    created_at_ = labelled(Customer, "created_at", _("créé le"), show=short_date)
    list_display = ["number", "name", "kind", "siren", "created_at_"]
    list_filter = ["kind"]
    search_fields = ["number", "name", "siren", "siret", "vat_number"]
    readonly_fields = ["created_at_", "new_billing_account"]
    fieldsets = [
        (None, {"fields": ["number", "kind", "name", "first_name", "last_name"]}),
        (_("Entreprise"), {"fields": ["legal_form", "siren", "siret", "vat_number"]}),
        (None, {"fields": ["created_at_", "new_billing_account"]}),
    ]
    inlines = [BillingAccountInline, CustomerAccessInline]
    show_full_result_count = False

    class Media:
        css = {"all": ["backoffice/admin.css"]}

    @admin.display(description=_("nouveau compte"))
    def new_billing_account(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:customers_billingaccount_add") + "?" + urlencode(
            {"customer": obj.pk, "name": obj.name})
        return format_html('<a class="addlink" href="{}">{}</a>', url, _("Ajouter un compte de facturation"))


class LineInline(ReadOnlyInline):
    model = Line
    fields = readonly_fields = ["line_link", "label", "status", "activated_on", "commitment_end", "terminated_on"]

    @admin.display(description=_("numéro de ligne"))
    def line_link(self, obj):
        return link("admin:customers_line_change", obj.pk, phone(obj.msisdn))


@admin.register(BillingAccount)
class BillingAccountAdmin(admin.ModelAdmin):
    form = BillingAccountForm
    created_at_ = labelled(BillingAccount, "created_at", _("créé le"), show=short_date)
    list_display = ["number", "name", "customer_link", "payment_method", "language", "paperless", "email"]
    list_filter = ["payment_method", "language", "paperless"]
    search_fields = ["number", "name", "email", "siret", "customer__number"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]
    readonly_fields = ["created_at_", "documents"]
    fieldsets = [
        (None, {"fields": ["customer", "number", "name", "language", "paperless", "email"]}),
        (_("Adresse de facturation"), {"fields": ["address_line1", "address_line2", "postcode", "city",
                                                  "country_code"]}),
        (_("Paiement"), {"fields": ["payment_method", "payment_terms_days", "debit_iban", "mandate_reference"]}),
        (_("Facture électronique (professionnels)"), {"fields": ["siret", "electronic_address_scheme",
                                                                 "electronic_address", "einvoice_syntax"]}),
        (None, {"fields": ["created_at_", "documents"]}),
    ]
    inlines = [LineInline]
    show_full_result_count = False

    class Media:
        css = {"all": ["backoffice/admin.css"]}

    @admin.display(description=_("client"), ordering="customer__number")
    def customer_link(self, obj):
        return link("admin:customers_customer_change", obj.customer_id, obj.customer)

    @admin.display(description=_("documents"))
    def documents(self, obj):
        if obj.pk is None:
            return "—"
        query = urlencode({"billing_account__id__exact": obj.pk})
        return format_html('<a href="{}?{}">{}</a> · <a href="{}?{}">{}</a>',
                           reverse("admin:billing_invoice_changelist"), query, _("Factures et avoirs"),
                           reverse("admin:billing_charge_changelist"), query, _("Frais et ajustements"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [f for f in SENSITIVE_ACCOUNT_FIELDS if f in form.changed_data]
        if change and changed:
            audit(request, "billing_account.changed", f"{obj.number}: {', '.join(changed)} changed in the back office",
                   customer=obj.customer, account=obj.number, fields=changed)
