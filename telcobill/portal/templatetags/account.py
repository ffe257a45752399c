"""Mon compte's filters: a phone number and a country as the customer reads them."""

from __future__ import annotations

from babel import Locale
from django import template
from django.utils.translation import get_language

from telcobill.customers.identifiers import format_msisdn

register = template.Library()


@register.filter
def msisdn(value: str | None) -> str:
    """06 12 34 56 78 for a French number, +44 7700 900123 otherwise."""
    return format_msisdn(value) if value else "—"


@register.filter
def country(code: str | None) -> str:
    locale = Locale.parse("en_GB" if (get_language() or "fr").startswith("en") else "fr_FR")
    return locale.territories.get((code or "").upper(), code or "—")
