"""The people who sign in (customers and staff), their roles, and the audit journal."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from telcobill.errors import Invalid

from ..identifiers import clean_msisdn
from ..models import Access, AuditEvent, Person
from .display import ReadOnlyAdmin, ReadOnlyInline, audit, labelled, link, msisdn_or_none, phone, short_date, titled

# Changes to these are recorded as audit events (who changed someone's login or rights).
SENSITIVE_PERSON_FIELDS = ("email", "mobile", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")


class AccessInline(ReadOnlyInline):
    """Roles, granted and withdrawn in « Accès » (audited)."""

    model = Access

    @admin.display(description=_("personne"))
    def person_link(self, obj):
        return link("admin:customers_person_change", obj.person_id, obj.person)

    @admin.display(description=_("client"))
    def customer_link(self, obj):
        return link("admin:customers_customer_change", obj.customer_id, obj.customer)

    @admin.display(description=_("ligne"))
    def line_link(self, obj):
        return link("admin:customers_line_change", obj.line_id, phone(obj.line.msisdn)) if obj.line else "—"

    @admin.display(description=_("rôle"))
    def role_link(self, obj):
        return link("admin:customers_access_change", obj.pk, obj.get_role_display())


class CustomerAccessInline(AccessInline):
    fields = readonly_fields = ["person_link", "role_link", "line_link"]


class PersonAccessInline(AccessInline):
    fk_name = "person"
    fields = readonly_fields = ["customer_link", "role_link", "line_link"]


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
        return super().get_search_results(request, queryset, msisdn_or_none(search_term) or search_term)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = [f for f in SENSITIVE_PERSON_FIELDS if f in form.changed_data]
        if change and changed:
            audit(request, "person.changed", f"{form.instance}: {', '.join(changed)} changed in the back office",
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
        audit(request, f"access.{verb}", f"role {obj.role} {verb} to {obj.person} on {obj.customer.number}",
               customer=obj.customer, person=obj.person_id, role=obj.role, line=obj.line_id)

    def delete_model(self, request, obj):
        self._revoked(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for access in queryset.select_related("person", "customer"):
            self._revoked(request, access)
        super().delete_queryset(request, queryset)

    def _revoked(self, request, obj):
        audit(request, "access.revoked", f"role {obj.role} withdrawn from {obj.person} on {obj.customer.number}",
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
        return link("admin:customers_customer_change", obj.customer_id, obj.customer.number) if obj.customer else "—"
