"""Money, dates and bank accounts as the customer reads them (19,99 €, 1 nov. 2026,
FR76 •••• 0189), in the customer's language: shared by the customer space's pages and the
e-mails sent on its behalf (which run outside a request, with the account's language)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from django.utils.translation import get_language


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
