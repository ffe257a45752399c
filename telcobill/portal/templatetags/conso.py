"""Quantities as the customer reads them on Ma conso: 1,5 Go, 1 h 52 min, mis à jour à 14 h 05."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from django import template
from django.utils import timezone

from telcobill.customers.admin import display
from telcobill.formats import babel_locale
from telcobill.usage.rating.inputs import UNIT_SIZES

register = template.Library()

NBSP = "\u00a0"
UNITS = {"fr_FR": ("Go", "Mo", "Ko"), "en_GB": ("GB", "MB", "KB")}


def _number(value: Decimal, places: int = 0) -> str:
    step = Decimal(1).scaleb(-places)
    rounded = value.quantize(step, rounding=ROUND_HALF_UP)
    return format_decimal(rounded, format="#,##0." + "#" * places if places else "#,##0", locale=babel_locale())


@register.filter
def volume(used: int | None) -> str:
    """Bytes as Go (one decimal), Mo or Ko: 1,5 Go, 512 Mo."""
    if used is None:
        return "—"
    giga, mega, kilo = UNITS[babel_locale()]
    if used >= UNIT_SIZES["GB"]:
        return f"{_number(Decimal(used) / UNIT_SIZES['GB'], 1)}{NBSP}{giga}"
    if used >= UNIT_SIZES["MB"] or used == 0:
        return f"{_number(Decimal(used) / UNIT_SIZES['MB'])}{NBSP}{mega}"
    return f"{_number(Decimal(used) / UNIT_SIZES['KB'])}{NBSP}{kilo}"


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds of calls: 1 h 52 min, 45 min 12 s, 12 s."""
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}{NBSP}h" + (f" {minutes:02d}{NBSP}min" if minutes else "")
    if minutes:
        return f"{minutes}{NBSP}min" + (f" {secs:02d}{NBSP}s" if secs else "")
    return f"{secs}{NBSP}s" if secs else f"0{NBSP}min"


@register.filter
def minutes(seconds: int | None) -> str:
    """Whole minutes, rounded up as a customer counts them: 113 min."""
    if seconds is None:
        return "—"
    return f"{_number(Decimal(-(-int(seconds) // 60)))}{NBSP}min"


@register.filter
def clock(moment: datetime | None) -> str:
    """The local time of day: 14 h 05 (14:05 in English)."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{local:%H}{NBSP}h{NBSP}{local:%M}" if babel_locale() == "fr_FR" else f"{local:%H:%M}"


@register.filter
def quantity(used: int | None, bucket: str) -> str:
    """A counter's quantity in its bucket's unit: a duration, a volume or a number of messages."""
    if used is None:
        return "—"
    if bucket == "voice":
        return duration(used)
    if bucket.startswith("data"):
        return volume(used)
    return format_decimal(used, locale=babel_locale()) + NBSP + ("MMS" if bucket == "mms" else "SMS")


@register.filter
def bar(share: int | None) -> int:
    """A share as the length of a progress bar (never beyond its end)."""
    return max(0, min(100, share or 0))


@register.filter
def phone(e164: str) -> str:
    """06 12 34 56 78 (international numbers in their international form), kept on one line."""
    return display.phone(e164) if e164 else "—"
