"""Money, dates and numbers as the customer reads them (19,99 €, 1 nov. 2026, 06 12 34 56 78), in the page's language:
template filters over telcobill.formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template

from telcobill import formats
from telcobill.customers.identifiers import format_msisdn
from telcobill.formats import iban_masked

register = template.Library()
register.filter("iban_masked", iban_masked)
register.filter("msisdn", format_msisdn)  # +33612345678 -> 06 12 34 56 78


@register.filter
def euros(amount: Decimal | None) -> str:
    return formats.euros(amount)


@register.filter
def day(value: date | None, pattern: str = "d MMM yyyy") -> str:
    return formats.day(value, pattern=pattern)


@register.filter
def month(value: date | None) -> str:
    return day(value, "MMMM yyyy") if value else "—"
