"""Money and dates as the customer reads them (19,99 €, 1 nov. 2026), in their language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language

register = template.Library()


def _locale() -> str:
    return "en_GB" if (get_language() or "fr").startswith("en") else "fr_FR"


@register.filter
def euros(amount: Decimal | None) -> str:
    if amount is None:
        return "—"
    return format_currency(amount, "EUR", locale=_locale())


@register.filter
def day(value: date | None, pattern: str = "d MMM yyyy") -> str:
    if value is None:
        return "—"
    return format_date(value, pattern, locale=_locale())


@register.filter
def month(value: date | None) -> str:
    return day(value, "MMMM yyyy") if value else "—"


@register.filter
def iban_masked(iban: str) -> str:
    """FR76 •••• 0189: enough to recognise one's account, not to copy it."""
    return f"{iban[:4]} •••• {iban[-4:]}" if iban else "—"
