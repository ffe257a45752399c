"""The FEC (fichier des écritures comptables, Livre des procédures fiscales art. A47 A-1) of a
fiscal year: telcobill's part of the operator's books, as the tax administration asks for it in an
audit and as accounting software imports it (docs/accounting.md).

Journals: AN carries the customers' balances into the year (against 890), VE the invoices and
credit notes (411 / 706 or 7631 / 44571), BQ the payments, returns and refunds (512 / 411), OD
the write-offs (654 / 411). Each entry balances; each journal is numbered from 1 in date order.
The file: pipe-separated, amounts with a comma and no thousands separator, dates YYYYMMDD,
ISO-8859-15, named `<SIREN>FEC<year end YYYYMMDD>.txt`. `fec_check.check_fec` verifies all of it.
"""

from __future__ import annotations

import heapq
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from telcobill.billing.models import Section
from telcobill.formats import french_amount, french_rate
from telcobill.money import ZERO, to_cents

from ..models import EntryKind, LedgerEntry
from .accounting import CHUNK, Document, documents, vat_key
from .lettering import Letter, Lettering, lettering

HEADER = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
          "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
          "ValidDate", "Montantdevise", "Idevise")
SEPARATOR = "|"
ENCODING = "iso-8859-15"  # A47 A-1 III: ASCII, ISO 8859-15 or EBCDIC
JOURNALS = ("opening", "sales", "bank", "write_offs")  # the order of a day's entries in the file
# The ledger movements of each journal, and the account booked opposite the customer's.
MOVEMENTS = {"bank": ((EntryKind.PAYMENT, EntryKind.REVERSAL, EntryKind.REFUND), "bank"),
             "write_offs": ((EntryKind.WRITE_OFF,), "bad_debts")}


@dataclass(frozen=True)
class Line:
    account: str  # a key of ACCOUNTING["accounts"]
    amount: Decimal  # debit positive, credit negative
    label: str
    auxiliary: tuple[str, str] | None = None  # the customer's (number, name) on the customers' account
    letter: Letter | None = None


@dataclass(frozen=True)
class Entry:
    journal: str  # a key of ACCOUNTING["journals"]
    on: date
    piece_ref: str
    piece_date: date
    valid_on: date
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class FecFile:
    path: Path
    entries: int
    lines: int
    debit: Decimal
    credit: Decimal


def fiscal_year(year: int) -> tuple[date, date]:
    """The first and last day of the fiscal year that ends in `year` (ACCOUNTING["fiscal_year_end"])."""
    month, day = map(int, settings.ACCOUNTING["fiscal_year_end"].split("-"))
    end = date(year, month, day)
    return date(year - 1, month, day) + timedelta(days=1), end


def fec_filename(year: int) -> str:
    return f"{settings.OPERATOR['siren']}FEC{fiscal_year(year)[1]:%Y%m%d}.txt"


def write_fec(year: int, directory: Path | str) -> FecFile:
    """Write the year's FEC in `directory` (created if needed); a file of the same name is replaced
    only once the new one is complete."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / fec_filename(year)
    partial = path.with_name(path.name + ".partial")
    entries = lines = 0
    debit = credit = ZERO
    with open(partial, "w", encoding=ENCODING, newline="\r\n") as out:
        out.write(SEPARATOR.join(HEADER) + "\n")
        for number, entry in fec_entries(year):
            entries += 1
            for line in entry.lines:
                lines += 1
                debit, credit = debit + max(line.amount, ZERO), credit + max(-line.amount, ZERO)
                out.write(SEPARATOR.join(_fields(number, entry, line)) + "\n")
    partial.replace(path)
    return FecFile(path, entries, lines, debit, credit)


def fec_entries(year: int) -> Iterator[tuple[str, Entry]]:
    """(EcritureNum, entry) in file order: by date, then journal; each journal numbered from 1."""
    start, end = fiscal_year(year)
    letters = lettering(start, end)
    journals = {"opening": _opening(start), "sales": _sales(start, end, letters),
                "bank": _movements("bank", start, end, letters),
                "write_offs": _movements("write_offs", start, end, letters)}
    streams = [_numbered(JOURNALS.index(key), key, entries) for key, entries in journals.items()]
    for _, number, entry in heapq.merge(*streams, key=lambda item: item[0]):
        yield number, entry


def _numbered(rank: int, journal: str, entries: Iterator[Entry]):
    code = settings.ACCOUNTING["journals"][journal]["code"]
    count = 0
    for entry in entries:
        if entry.lines:
            count += 1
            yield (entry.on, rank, count), f"{code}{count:06d}", entry


def _opening(start: date) -> Iterator[Entry]:
    """The customers' balances at the end of the previous year, carried into this one against the
    opening balance account (890): telcobill keeps no balance sheet to take them from."""
    customer, name = "billing_account__customer__number", "billing_account__customer__name"
    balances = LedgerEntry.objects.filter(on__lt=start).values(customer, name).annotate(total=Sum("amount"))
    label = f"Soldes clients au {start - timedelta(days=1):%d/%m/%Y}"
    lines = [Line("customers", to_cents(row["total"]), label, auxiliary=(row[customer], row[name]))
             for row in balances.order_by(customer).iterator(chunk_size=CHUNK) if to_cents(row["total"])]
    if lines:
        lines.append(Line("opening", -sum((line.amount for line in lines), ZERO), label))
        yield Entry("opening", start, f"AN{start:%Y%m%d}", start, start, tuple(lines))


def _sales(start: date, end: date, letters: Lettering) -> Iterator[Entry]:
    for document in documents(start, end):
        yield _sales_entry(document, letters.by_document.get(document.pk))


def _sales_entry(document: Document, letter: Letter | None) -> Entry:
    """The customer owes the total; revenue (services, or penalties in their own account) and VAT
    are credited. A credit note is the same entry reversed."""
    sign, totals = document.sign, document.totals
    title = f"{'Avoir' if sign < 0 else 'Facture'} {document.number} {document.customer_name}"
    lines = [Line("customers", sign * totals.gross, title, letter=letter,
                   auxiliary=(document.customer_number, document.customer_name))]
    revenue: dict[tuple[str, str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for part in document.parts:
        account = "penalties" if part.section == Section.PENALTIES else "revenue"
        revenue[account, part.vat_category, part.vat_rate] += part.net_amount
    for (account, category, rate), base in sorted(revenue.items(), key=_revenue_order):
        lines.append(Line(account, -sign * base, f"{title} HT {category} {_rate(rate)}"))
    for vat in totals.vat_lines:
        lines.append(Line("vat_collected", -sign * vat.amount, f"{title} TVA {_rate(vat.rate)}"))
    return Entry("sales", document.issue_date, document.number, document.issue_date, document.recorded_on,
                 tuple(line for line in lines if line.amount))


def _revenue_order(item) -> tuple:
    (account, category, rate), _ = item
    return account != "revenue", vat_key(category, rate)


def _movements(journal: str, start: date, end: date, letters: Lettering) -> Iterator[Entry]:
    """Payments, returns and refunds (bank journal) or write-offs, from the ledger: the customer's
    account moves by the entry's amount, the bank or the loss account by the opposite."""
    kinds, counterpart = MOVEMENTS[journal]
    rows = (LedgerEntry.objects.filter(kind__in=kinds, on__range=(start, end)).order_by("on", "pk")
            .values_list("pk", "on", "created_at", "amount", "reference", "label",
                         "billing_account__customer__number", "billing_account__customer__name"))
    for pk, on, created_at, amount, reference, label, customer, name in rows.iterator(chunk_size=CHUNK):
        lines = (Line("customers", amount, label, auxiliary=(customer, name), letter=letters.by_entry.get(pk)),
                 Line(counterpart, -amount, label))
        yield Entry(journal, on, reference or f"E{pk}", on, max(on, timezone.localdate(created_at)), lines)


# --- The file's text ------------------------------------------------------------------------------

def _fields(number: str, entry: Entry, line: Line) -> list[str]:
    journal = settings.ACCOUNTING["journals"][entry.journal]
    account = settings.ACCOUNTING["accounts"][line.account]
    auxiliary = line.auxiliary or ("", "")
    letter = line.letter
    return [_text(value) for value in (
        journal["code"], journal["label"], number, _date(entry.on), account["number"], account["label"],
        auxiliary[0], auxiliary[1], entry.piece_ref, _date(entry.piece_date), line.label,
        french_amount(max(line.amount, ZERO)), french_amount(max(-line.amount, ZERO)),
        letter.code if letter else "", _date(letter.on) if letter else "", _date(entry.valid_on),
        "", "")]  # amounts are in euros: no currency amount, no currency code


def _date(value: date) -> str:
    return f"{value:%Y%m%d}"


def _rate(rate: Decimal) -> str:
    return f"{french_rate(rate)} %"


# Typography ISO 8859-15 lacks, and the separators that must never appear inside a field.
_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                        "\u2026": "...", "\u202f": " ", "|": "/", "\t": " ", "\r": " ", "\n": " "})


def _text(value: str) -> str:
    """A field as ISO 8859-15 can write it: typography made plain, accents kept where the charset
    has them, other letters without their accent, anything else as '?'."""
    value = value.translate(_PLAIN).strip()
    try:
        value.encode(ENCODING)
        return value
    except UnicodeEncodeError:
        return "".join(_latin9(char) for char in value)


def _latin9(char: str) -> str:
    try:
        char.encode(ENCODING)
        return char
    except UnicodeEncodeError:
        return unicodedata.normalize("NFKD", char).encode(ENCODING, "ignore").decode(ENCODING) or "?"
