"""Mon compte's filters: a phone number and a country as the customer reads them."""

from __future__ import annotations

from babel import Locale
from django import template

from telcobill.customers.identifiers import format_msisdn
from telcobill.formats import babel_locale

register = template.Library()


@register.filter
def msisdn(value: str | None) -> str:
    """06 12 34 56 78 for a French number, +44 7700 900123 otherwise."""
    return format_msisdn(value) if value else "—"


@register.filter
def country(code: str | None) -> str:
    return Locale.parse(babel_locale()).territories.get((code or "").upper(), code or "—")
