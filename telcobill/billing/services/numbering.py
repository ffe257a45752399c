"""Gapless, chronological numbers per series (invariant 2), taken inside the issuing transaction.

The series row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions
serialize writers), so concurrent issuers queue and a rolled-back issue gives its numbers back.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction

from telcobill.errors import NotAllowed

from ..models import DocumentKind, NumberSeries


def series_code(kind: str, issue_date: date) -> str:
    billing = settings.BILLING
    prefix = billing["credit_note_series_prefix"] if kind == DocumentKind.CREDIT_NOTE else billing[
        "invoice_series_prefix"]
    return f"{prefix}{issue_date.year}"


def format_number(series: str, value: int) -> str:
    return f"{series}-{value:06d}"


def invoice_number_pattern() -> re.Pattern:
    """Invoice numbers as `series_code` and `format_number` write them (F2026-000123), to find
    them in free text such as the reference of a bank transfer."""
    prefix = re.escape(settings.BILLING["invoice_series_prefix"])
    return re.compile(rf"(?<![A-Za-z0-9]){prefix}\d{{4}}-\d{{6}}(?![0-9])")


def take_numbers(series: str, count: int, issue_date: date) -> list[str]:
    """The next `count` numbers of `series` for documents dated `issue_date`. Must run inside
    the transaction that issues them."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are taken inside the issuing transaction")
    row = _locked_series(series)
    if row.last_issue_date and issue_date < row.last_issue_date:
        raise NotAllowed(
            f"series {series} already has a document dated {row.last_issue_date}; numbering must stay "
            f"chronological, so a document dated {issue_date} cannot be issued in it", code="not_chronological")
    first = row.last_value + 1
    row.last_value += count
    row.last_issue_date = issue_date
    row.save(update_fields=["last_value", "last_issue_date"])
    return [format_number(series, value) for value in range(first, first + count)]


def _locked_series(series: str) -> NumberSeries:
    row = NumberSeries.objects.select_for_update().filter(code=series).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            NumberSeries.objects.create(code=series)
    except IntegrityError:
        pass  # another issuer created it first
    return NumberSeries.objects.select_for_update().get(code=series)
