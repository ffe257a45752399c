"""What every back-office admin page of telcobill shares: French labels for unlabelled fields,
dates and numbers as staff read them, links, read-only journals, the audit of staff changes."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import display_for_field
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from telcobill.errors import Invalid

from ..identifiers import clean_msisdn, format_msisdn
from ..models import AuditEvent, Customer


def audit(request, kind: str, summary: str, *, customer: Customer | None = None, **data) -> None:
    """Record a change staff made by hand: who, what, on which customer (field names, never values)."""
    AuditEvent.objects.create(actor=request.user, kind=kind, customer=customer, summary=summary[:300], data=data)


def msisdn_or_none(term: str) -> str | None:
    """The E.164 form of a number typed the way people write it (06 12 34 56 78), or None."""
    try:
        return clean_msisdn(term)
    except Invalid:
        return None


def link(viewname: str, pk, label) -> str:
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


class ReadOnlyInline(admin.TabularInline):
    """Rows shown where they belong, with a link to their own page, where they change."""

    extra = 0
    can_delete = False
    classes = ["bo-readonly-inline"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
