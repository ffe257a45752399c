"""Money, dates and bank accounts as the customer reads them (19,99 €, 1 nov. 2026,
FR76 •••• 0189), in the customer's language: shared by the customer space's pages and the
e-mails sent on its behalf (which run outside a request, with the account's language); and the
CSV files accountants open in a French spreadsheet (1234,56 ; 30/11/2026)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from typing import TextIO

from babel.dates import format_date
from babel.numbers import format_currency
from django.utils.translation import get_language

from telcobill.money import ZERO

# What a French spreadsheet opens as it is, by a double click: `;`, a decimal comma, and UTF-8
# announced by a byte-order mark (or the accents come out wrong).
BOM = "\ufeff"


def babel_locale(language: str | None = None) -> str:
    """The babel locale of `language`, by default the one active (a page's, an e-mail's)."""
    return "en_GB" if (language or get_language() or "fr").startswith("en") else "fr_FR"


def euros(amount: Decimal | None, language: str | None = None) -> str:
    return "—" if amount is None else format_currency(amount, "EUR", locale=babel_locale(language))


def day(value: date | None, language: str | None = None, pattern: str = "d MMM yyyy") -> str:
    return "—" if value is None else format_date(value, pattern, locale=babel_locale(language))


def iban_masked(iban: str) -> str:
    """FR76 •••• 0189: enough to recognise one's account, not to copy it."""
    return f"{iban[:4]} •••• {iban[-4:]}" if iban else "—"


def document_file_name(document, extension: str) -> str:
    """facture-F2026-000123-2026-11-01.pdf: sorts by number, says what it is and when."""
    kind = "avoir" if document.kind == "credit_note" else "facture"
    return f"{kind}-{document.number}-{document.issue_date.isoformat()}.{extension}"


def spreadsheet_writer(out: TextIO):
    return csv.writer(out, delimiter=";", lineterminator="\r\n")


def french_amount(value: Decimal) -> str:
    """1234,56; a zero is never written -0,00 (a credit note's sign applied to nothing)."""
    return f"{value or ZERO:.2f}".replace(".", ",")


def french_date(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def french_rate(rate: Decimal) -> str:
    return f"{rate:.2f}".replace(".", ",")
