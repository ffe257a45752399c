"""Back office: customers, billing accounts, lines, the people who sign in and their roles.

Only the customers app is imported here (ARCHITECTURE.md: an app never imports a later one).
What needs a later app (suspending or terminating a line goes through `workflows`) is a
back-office page reached by URL name.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import display_for_field
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from telcobill.errors import Invalid

from .identifiers import clean_msisdn, clean_siren, clean_siret, clean_vat_number, format_msisdn
from .models import (
    Access,
    AuditEvent,
    BillingAccount,
    Customer,
    CustomerKind,
    Line,
    Person,
    ProvisioningOrder,
)

# catalogue.ProductKind.PLAN: the customers app may not import the catalogue (a later app).
PLAN_KIND = "plan"
# Changes to these are recorded as audit events (who changed a customer's money or login details).
SENSITIVE_ACCOUNT_FIELDS = ("email", "payment_method", "debit_iban", "mandate_reference", "siret",
                            "electronic_address_scheme", "electronic_address", "payment_terms_days")
SENSITIVE_PERSON_FIELDS = ("email", "mobile", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")


def _audit(request, kind: str, summary: str, *, customer: Customer | None = None, **data) -> None:
    AuditEvent.objects.create(actor=request.user, kind=kind, customer=customer, summary=summary[:300], data=data)


def _msisdn(term: str) -> str | None:
    """The E.164 form of a number typed the way people write it (06 12 34 56 78), or None."""
    try:
        return clean_msisdn(term)
    except Invalid:
        return None


def _link(viewname: str, pk, label) -> str:
    return format_html('<a href="{}">{}</a>', reverse(viewname, args=[pk]), label)


def short_date(value) -> str:
    """28/11/2026, or 28/11/2026 05:41 for a moment (local time): what fits in a list column."""
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return f"{timezone.localtime(value):%d/%m/%Y\u00a0%H:%M}"
    return f"{value:%d/%m/%Y}"


def phone(e164: str) -> str:
    """06 12 34 56 78, kept on one line."""
    return format_msisdn(e164).replace(" ", "\u00a0")


def labelled(model, name: str, label, *, show=None):
    """A column or read-only field showing `name` under a French label (several models do not
    name their fields yet), as the admin would or through `show(value)`. Put it on the ModelAdmin
    as an attribute and name that attribute in list_display, fieldsets and readonly_fields."""
    field = model._meta.get_field(name)

    @admin.display(description=label, ordering=name)
    def display(obj):
        value = getattr(obj, name)
        return show(value) if show else display_for_field(value, field, "—")

    return staticmethod(display)


def titled(title, base=admin.ChoicesFieldListFilter):
    """A field's list filter under a French title: list_filter = [("kind", titled(_("type")))]."""

    class Titled(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


class ReadOnlyAdmin(admin.ModelAdmin):
    """A journal: staff read it; rows are written by the use cases only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- customers and billing accounts ----------------------------------------------------------

def _checked(clean, value, **kwargs):
    """An identifier checked by its customers use case, or a form error with its message."""
    if not value:
        return value
    try:
        return clean(value, **kwargs)
    except Invalid as exc:
        raise forms.ValidationError(exc.message, code="invalid") from None


class CustomerForm(forms.ModelForm):
    # Wider than stored: people type "443 061 841"; the clean value is stored without spaces.
    siren = forms.CharField(label="SIREN", max_length=20, required=False)
    siret = forms.CharField(label=_("SIRET du siège"), max_length=24, required=False)
    vat_number = forms.CharField(label=_("N° de TVA intracommunautaire"), max_length=24, required=False)

    class Meta:
        model = Customer
        fields = ["number", "kind", "name", "first_name", "last_name", "legal_form", "siren", "siret", "vat_number"]

    def clean_siren(self):
        return _checked(clean_siren, self.cleaned_data.get("siren"))

    def clean_vat_number(self):
        return _checked(clean_vat_number, self.cleaned_data.get("vat_number"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("siret") and not self.errors.get("siren"):
            try:
                cleaned["siret"] = _checked(clean_siret, cleaned["siret"], siren_value=cleaned.get("siren", ""))
            except forms.ValidationError as error:
                self.add_error("siret", error)
        if cleaned.get("kind") == CustomerKind.BUSINESS and not cleaned.get("siren") and not self.errors.get("siren"):
            self.add_error("siren", _("Un client professionnel a un SIREN."))
        return cleaned


class BillingAccountForm(forms.ModelForm):
    siret = forms.CharField(label="SIRET", max_length=24, required=False)

    class Meta:
        model = BillingAccount
        fields = ["customer", "number", "name", "language", "paperless", "email", "address_line1", "address_line2",
                  "postcode", "city", "country_code", "payment_method", "payment_terms_days", "debit_iban",
                  "mandate_reference", "siret", "electronic_address_scheme", "electronic_address"]
        labels = {"customer": _("Client")}

    def clean_siret(self):
        return _checked(clean_siret, self.cleaned_data.get("siret"))


class ReadOnlyInline(admin.TabularInline):
    """Rows shown where they belong, with a link to their own page, where they change."""

    extra = 0
    can_delete = False
    classes = ["bo-readonly-inline"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BillingAccountInline(ReadOnlyInline):
    model = BillingAccount
    fields = readonly_fields = ["account_link", "name", "email", "payment_method", "language", "paperless"]

    @admin.display(description=_("compte de facturation"))
    def account_link(self, obj):
        return _link("admin:customers_billingaccount_change", obj.pk, obj.number)


class AccessInline(ReadOnlyInline):
    """Roles, granted and withdrawn in « Accès » (audited)."""

    model = Access

    @admin.display(description=_("personne"))
    def person_link(self, obj):
        return _link("admin:customers_person_change", obj.person_id, obj.person)

    @admin.display(description=_("client"))
    def customer_link(self, obj):
        return _link("admin:customers_customer_change", obj.customer_id, obj.customer)

    @admin.display(description=_("ligne"))
    def line_link(self, obj):
        return _link("admin:customers_line_change", obj.line_id, phone(obj.line.msisdn)) if obj.line else "—"

    @admin.display(description=_("rôle"))
    def role_link(self, obj):
        return _link("admin:customers_access_change", obj.pk, obj.get_role_display())


class CustomerAccessInline(AccessInline):
    fields = readonly_fields = ["person_link", "role_link", "line_link"]


class PersonAccessInline(AccessInline):
    fk_name = "person"
    fields = readonly_fields = ["customer_link", "role_link", "line_link"]


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
        return _link("admin:customers_line_change", obj.pk, phone(obj.msisdn))


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
                                                                 "electronic_address"]}),
        (None, {"fields": ["created_at_", "documents"]}),
    ]
    inlines = [LineInline]
    show_full_result_count = False

    class Media:
        css = {"all": ["backoffice/admin.css"]}

    @admin.display(description=_("client"), ordering="customer__number")
    def customer_link(self, obj):
        return _link("admin:customers_customer_change", obj.customer_id, obj.customer)

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
            _audit(request, "billing_account.changed", f"{obj.number}: {', '.join(changed)} changed in the back office",
                   customer=obj.customer, account=obj.number, fields=changed)


# --- lines -----------------------------------------------------------------------------------

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
    list_display = ["number", "label", "status", "account_link", "current_plan", "commitment_end"]
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
        return super().get_search_results(request, queryset, _msisdn(search_term) or search_term)

    def has_add_permission(self, request):
        return False  # activation goes through the line workflow (plan, SIM fee, provisioning)

    def has_delete_permission(self, request, obj=None):
        return False  # a line is terminated, never deleted: its invoices cite it

    @admin.display(description=_("numéro de ligne"), ordering="msisdn")
    def number(self, obj):
        return phone(obj.msisdn)

    @admin.display(description=_("compte de facturation"), ordering="billing_account__number")
    def account_link(self, obj):
        return _link("admin:customers_billingaccount_change", obj.billing_account_id, obj.billing_account)

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
        return _link("admin:customers_line_change", obj.line_id, phone(obj.line.msisdn))


# --- people, roles, audit --------------------------------------------------------------------

class _LoginFieldsMixin:
    """E-mail and mobile are unique and nullable: a blank one is stored as NULL, never ""."""

    def clean_email(self):
        return self.cleaned_data.get("email") or None

    def clean_mobile(self):
        value = self.cleaned_data.get("mobile")
        if not value:
            return None
        try:
            return clean_msisdn(value)
        except Invalid:
            raise forms.ValidationError(_("Numéro de mobile invalide : par exemple 06 12 34 56 78."),
                                        code="invalid") from None

    def _require_login(self, cleaned):
        if not cleaned.get("email") and not cleaned.get("mobile") and not self.errors.get("email") \
                and not self.errors.get("mobile"):
            raise forms.ValidationError(_("Une personne se connecte avec une adresse e-mail ou un numéro de "
                                          "mobile : renseignez au moins l'un des deux."), code="no_login")


class PersonCreationForm(_LoginFieldsMixin, BaseUserCreationForm):
    class Meta:
        model = Person
        fields = ["email", "mobile", "first_name", "last_name"]

    def clean(self):
        cleaned = super().clean()
        self._require_login(cleaned)
        return cleaned


class PersonChangeForm(_LoginFieldsMixin, UserChangeForm):
    class Meta:
        model = Person
        fields = ["email", "mobile", "password", "first_name", "last_name", "language", "is_active", "is_staff",
                  "is_superuser", "groups", "user_permissions"]

    def clean(self):
        cleaned = super().clean()
        self._require_login(cleaned)
        return cleaned


@admin.register(Person)
class PersonAdmin(UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    add_form_template = "backoffice/person_add_form.html"
    list_display = ["email", "mobile", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "is_superuser", "groups"]
    search_fields = ["email", "mobile", "first_name", "last_name"]
    ordering = ["email", "mobile"]
    fieldsets = [
        (None, {"fields": ["email", "mobile", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "language"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "mobile", "first_name", "last_name", "password1",
                                                "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [PersonAccessInline]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # "06 12 34 56 78" finds +33612345678: numbers are stored as E.164.
        return super().get_search_results(request, queryset, _msisdn(search_term) or search_term)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = [f for f in SENSITIVE_PERSON_FIELDS if f in form.changed_data]
        if change and changed:
            _audit(request, "person.changed", f"{form.instance}: {', '.join(changed)} changed in the back office",
                   person=form.instance.pk, fields=changed)


class AccessForm(forms.ModelForm):
    class Meta:
        model = Access
        fields = ["person", "customer", "role", "line"]
        labels = {"person": _("Personne"), "customer": _("Client"), "line": _("Ligne (utilisateur de la ligne)")}


@admin.register(Access)
class AccessAdmin(admin.ModelAdmin):
    form = AccessForm
    person_ = labelled(Access, "person", _("personne"))
    customer_ = labelled(Access, "customer", _("client"))
    line_ = labelled(Access, "line", _("ligne"))
    list_display = ["person_", "customer_", "role", "line_"]
    list_filter = ["role"]
    search_fields = ["person__email", "person__mobile", "customer__number", "customer__name", "line__msisdn"]
    list_select_related = ["person", "customer", "line"]
    autocomplete_fields = ["person", "customer", "line"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        verb = "changed" if change else "granted"
        _audit(request, f"access.{verb}", f"role {obj.role} {verb} to {obj.person} on {obj.customer.number}",
               customer=obj.customer, person=obj.person_id, role=obj.role, line=obj.line_id)

    def delete_model(self, request, obj):
        self._revoked(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for access in queryset.select_related("person", "customer"):
            self._revoked(request, access)
        super().delete_queryset(request, queryset)

    def _revoked(self, request, obj):
        _audit(request, "access.revoked", f"role {obj.role} withdrawn from {obj.person} on {obj.customer.number}",
               customer=obj.customer, person=obj.person_id, role=obj.role, line=obj.line_id)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    at_ = labelled(AuditEvent, "at", _("date"), show=short_date)
    kind_ = labelled(AuditEvent, "kind", _("événement"))
    actor_ = labelled(AuditEvent, "actor", _("par"))
    summary_ = labelled(AuditEvent, "summary", _("résumé"))
    data_ = labelled(AuditEvent, "data", _("détails"))
    list_display = ["at_", "kind_", "actor_", "customer_link", "summary_"]
    list_filter = [("kind", titled(_("événement"), admin.AllValuesFieldListFilter))]
    search_fields = ["summary", "customer__number", "actor__email"]
    list_select_related = ["actor", "customer"]
    fields = readonly_fields = ["at_", "kind_", "actor_", "customer_link", "summary_", "data_"]
    date_hierarchy = "at"
    show_full_result_count = False

    class Media:
        css = {"all": ["backoffice/admin.css"]}

    @admin.display(description=_("client"), ordering="customer__number")
    def customer_link(self, obj):
        return _link("admin:customers_customer_change", obj.customer_id, obj.customer.number) if obj.customer else "—"
