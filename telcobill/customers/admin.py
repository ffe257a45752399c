"""Back office: customers, billing accounts, lines, the people who sign in and their roles.

Only the customers app is imported here (ARCHITECTURE.md: an app never imports a later one).
What needs a later app (suspending or terminating a line goes through `workflows`) is a
back-office page reached by URL name.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from telcobill.errors import Invalid

from .identifiers import clean_msisdn
from .models import (
    Access,
    AuditEvent,
    BillingAccount,
    Customer,
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """A journal: staff read it; rows are written by the use cases only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- customers and billing accounts ----------------------------------------------------------

class BillingAccountInline(admin.TabularInline):
    model = BillingAccount
    fields = ["number", "name", "email", "payment_method", "language", "paperless"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # a billing account needs its address: added from its own form


class AccessInline(admin.TabularInline):
    """Roles, shown where they apply; granted and withdrawn in « Accès » (audited)."""

    model = Access
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CustomerAccessInline(AccessInline):
    fields = readonly_fields = ["person", "role", "line"]


class PersonAccessInline(AccessInline):
    fk_name = "person"
    fields = readonly_fields = ["customer", "role", "line"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "kind", "siren", "created_at"]
    list_filter = ["kind"]
    search_fields = ["number", "name", "siren", "siret", "vat_number"]
    readonly_fields = ["created_at", "new_billing_account"]
    fieldsets = [
        (None, {"fields": ["number", "kind", "name", "first_name", "last_name"]}),
        (_("Entreprise"), {"fields": ["legal_form", "siren", "siret", "vat_number"]}),
        (None, {"fields": ["created_at", "new_billing_account"]}),
    ]
    inlines = [BillingAccountInline, CustomerAccessInline]
    show_full_result_count = False

    @admin.display(description=_("comptes de facturation"))
    def new_billing_account(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:customers_billingaccount_add") + "?" + urlencode(
            {"customer": obj.pk, "name": obj.name})
        return format_html('<a class="addlink" href="{}">{}</a>', url, _("Ajouter un compte de facturation"))


class LineInline(admin.TabularInline):
    model = Line
    fields = ["msisdn", "label", "status", "activated_on", "commitment_end", "terminated_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # a line is activated with its plan (workflow), not typed in


@admin.register(BillingAccount)
class BillingAccountAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "customer_link", "payment_method", "language", "paperless", "email"]
    list_filter = ["payment_method", "language", "paperless"]
    search_fields = ["number", "name", "email", "siret", "customer__number"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]
    readonly_fields = ["created_at", "documents"]
    fieldsets = [
        (None, {"fields": ["customer", "number", "name", "language", "paperless", "email"]}),
        (_("Adresse de facturation"), {"fields": ["address_line1", "address_line2", "postcode", "city",
                                                  "country_code"]}),
        (_("Paiement"), {"fields": ["payment_method", "payment_terms_days", "debit_iban", "mandate_reference"]}),
        (_("Facture électronique (professionnels)"), {"fields": ["siret", "electronic_address_scheme",
                                                                 "electronic_address"]}),
        (None, {"fields": ["created_at", "documents"]}),
    ]
    inlines = [LineInline]
    show_full_result_count = False

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
    list_display = ["msisdn", "label", "status", "account_link", "current_plan", "commitment_end", "activated_on"]
    list_filter = ["status", CommitmentFilter]
    search_fields = ["msisdn", "label", "billing_account__number"]
    list_select_related = ["billing_account"]
    readonly_fields = ["msisdn", "billing_account", "status", "current_plan", "activated_on", "commitment_end",
                       "terminated_on", "orders"]
    fields = ["msisdn", "billing_account", "label", "cost_centre", "status", "current_plan", "activated_on",
              "commitment_end", "terminated_on", "orders"]
    actions = ["suspend_lines", "terminate_lines"]
    show_full_result_count = False

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

    @admin.display(description=_("compte de facturation"), ordering="billing_account__number")
    def account_link(self, obj):
        return _link("admin:customers_billingaccount_change", obj.billing_account_id, obj.billing_account.number)

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
    list_display = ["created_at", "line", "action", "effective_on", "status", "attempts", "sent_at", "created_by"]
    list_filter = ["status", "action"]
    search_fields = ["line__msisdn"]
    list_select_related = ["line", "created_by"]
    date_hierarchy = "created_at"
    show_full_result_count = False


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
        fields = "__all__"

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


@admin.register(Access)
class AccessAdmin(admin.ModelAdmin):
    list_display = ["person", "customer", "role", "line"]
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
    list_display = ["at", "kind", "actor", "customer", "summary"]
    list_filter = ["kind"]
    search_fields = ["summary", "customer__number", "actor__email"]
    list_select_related = ["actor", "customer"]
    date_hierarchy = "at"
    show_full_result_count = False
