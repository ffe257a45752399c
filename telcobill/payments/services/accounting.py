"""The exports an operator's accountant asks for: the sales journal, the payments journal and the
VAT collected over a period, and the receivables by age (`receivables.py`, imported here) —
docs/accounting.md. The FEC is in `fec.py`, its checker in `fec_check.py`.

Read-only functions over issued documents and the ledger that stream their rows (`iterator()`), so
a year of a large operator never sits in memory. Amounts are Decimal to the cent, and credit notes
count negative: a journal's totals are the documents' totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby, islice

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from telcobill.billing.models import DocumentKind, Invoice, InvoiceLine, InvoiceStatus
from telcobill.billing.totals import Totals, compute_totals
from telcobill.money import ZERO, to_cents

from ..models import Allocation, EntryKind, LedgerEntry
from .receivables import AgeBucket, Receivables, receivables_by_age

__all__ = ["AgeBucket", "Receivables", "documents", "payments_journal", "receivables_by_age", "sales_columns",
           "sales_journal", "vat_collected"]

CHUNK = 2000  # rows fetched at a time


# --- The documents of a period ------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """A document's lines of one section and VAT (category, rate), summed. The field names are
    the invoice line's, so `compute_totals` reads parts as it reads lines."""

    section: str
    vat_category: str
    vat_rate: Decimal
    net_amount: Decimal


@dataclass(frozen=True)
class Document:
    """An issued invoice or credit note with its VAT breakdown, amounts as printed (positive)."""

    pk: int
    number: str
    kind: str
    issue_date: date
    recorded_on: date  # the day it was issued (its issue date unless issued late)
    customer_number: str
    customer_name: str
    account_number: str
    parts: tuple[Part, ...]
    totals: Totals

    @property
    def sign(self) -> int:
        """A credit note takes back what an invoice charged."""
        return -1 if self.kind == DocumentKind.CREDIT_NOTE else 1


def documents(start: date, end: date) -> Iterator[Document]:
    """The documents issued from `start` to `end` included, by date then number, streamed; for each
    chunk of them one query sums their lines per section and VAT rate. Totals are computed from
    those sums as at issue (VAT half-up per rate), so they are the printed ones."""
    heads = (Invoice.objects.filter(status=InvoiceStatus.ISSUED, issue_date__range=(start, end))
             .order_by("issue_date", "number")
             .values_list("pk", "number", "kind", "issue_date", "issued_at", "billing_account__number",
                          "billing_account__customer__number", "billing_account__customer__name")
             .iterator(chunk_size=CHUNK))
    for chunk in chunks(heads, CHUNK):
        parts = _parts([head[0] for head in chunk])
        for pk, number, kind, issue_date, issued_at, account, customer, name in chunk:
            recorded_on = max(issue_date, timezone.localdate(issued_at)) if issued_at else issue_date
            own = parts.get(pk, ())
            yield Document(pk, number, kind, issue_date, recorded_on, customer, name, account, own,
                           compute_totals(own))


def _parts(invoice_ids: list[int]) -> dict[int, tuple[Part, ...]]:
    sums = (InvoiceLine.objects.filter(invoice_id__in=invoice_ids)
            .values("invoice_id", "section", "vat_category", "vat_rate").annotate(net=Sum("net_amount"))
            .order_by("invoice_id", "section", "vat_category", "vat_rate"))
    return {invoice_id: tuple(Part(row["section"], row["vat_category"], row["vat_rate"], to_cents(row["net"]))
                              for row in rows)
            for invoice_id, rows in groupby(sums, key=lambda row: row["invoice_id"])}


def printed_totals(invoice_ids: list[int]) -> dict[int, Totals]:
    """Each document's totals and VAT breakdown as it printed them (VAT per rate on its lines' sums)."""
    parts = _parts(invoice_ids)
    return {pk: compute_totals(parts.get(pk, ())) for pk in invoice_ids}


def vat_key(category: str, rate: Decimal) -> tuple[bool, Decimal, str]:
    """The order VAT rates are shown in everywhere (as on invoices): standard first, highest rate first."""
    return category != "S", -rate, category


# --- Sales journal ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SalesRow:
    """One document of the sales journal, signed: a credit note's amounts are negative."""

    issue_date: date
    number: str
    kind: str
    customer_number: str
    customer_name: str
    account_number: str
    bases: dict[tuple[str, Decimal], Decimal]  # net per (VAT category, rate)
    net: Decimal
    vat: Decimal
    gross: Decimal


def sales_columns(start: date, end: date) -> list[tuple[str, Decimal]]:
    """The (VAT category, rate) pairs of the period's lines: the sales journal's net columns, known
    before the first row is written."""
    pairs = (InvoiceLine.objects.filter(invoice__status=InvoiceStatus.ISSUED, invoice__issue_date__range=(start, end))
             .values_list("vat_category", "vat_rate").distinct().order_by())
    return sorted(set(pairs), key=lambda pair: vat_key(*pair))


def sales_journal(start: date, end: date) -> Iterator[SalesRow]:
    """One row per invoice and credit note issued in the period, by date then number."""
    for document in documents(start, end):
        sign, totals = document.sign, document.totals
        yield SalesRow(document.issue_date, document.number, document.kind, document.customer_number,
                       document.customer_name, document.account_number,
                       {(v.category, v.rate): sign * v.base for v in totals.vat_lines},
                       sign * totals.net, sign * totals.vat, sign * totals.gross)


# --- VAT collected ------------------------------------------------------------------------------

@dataclass(frozen=True)
class VatRow:
    category: str
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True)
class VatReport:
    start: date
    end: date
    rows: tuple[VatRow, ...]
    documents: int
    on_debits: bool  # the operator opted for VAT on debits: due at invoicing, as this report counts it

    @property
    def base(self) -> Decimal:
        return sum((row.base for row in self.rows), ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((row.vat for row in self.rows), ZERO)


def vat_collected(start: date, end: date) -> VatReport:
    """VAT by category and rate over the documents issued in the period (credit notes negative).
    Each document's VAT is the one it printed (computed per rate on its lines), so the totals are
    the documents' totals to the cent. The issue date governs because the operator opted for VAT
    on debits (OPERATOR["vat_on_debits"]): VAT is due when the service is invoiced, not paid."""
    bases: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    vats: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    count = 0
    for document in documents(start, end):
        count += 1
        for line in document.totals.vat_lines:
            bases[line.category, line.rate] += document.sign * line.base
            vats[line.category, line.rate] += document.sign * line.amount
    rows = tuple(VatRow(category, rate, bases[category, rate], vats[category, rate])
                 for category, rate in sorted(bases, key=lambda key: vat_key(*key)))
    return VatReport(start, end, rows, count, settings.OPERATOR["vat_on_debits"])


# --- Payments journal ---------------------------------------------------------------------------

PAYMENT_KINDS = (EntryKind.PAYMENT, EntryKind.REVERSAL, EntryKind.REFUND, EntryKind.WRITE_OFF)


@dataclass(frozen=True)
class PaymentRow:
    """A payment, a payment returned, a refund or a write-off. `amount` is the ledger's: what the
    entry does to the customer's debt (a payment or a write-off lowers it: negative)."""

    pk: int
    on: date
    kind: str
    method: str
    reference: str
    label: str
    customer_number: str
    customer_name: str
    account_number: str
    amount: Decimal
    settled: tuple[tuple[str, Decimal], ...]  # (invoice number, amount); a return: what its payment had settled


def payments_journal(start: date, end: date) -> Iterator[PaymentRow]:
    """The money movements of the period from the ledger, by date: payments, returns, refunds,
    write-offs, each with the invoices it settled."""
    rows = (LedgerEntry.objects.filter(kind__in=PAYMENT_KINDS, on__range=(start, end)).order_by("on", "pk")
            .values_list("pk", "on", "kind", "method", "reference", "label", "billing_account__customer__number",
                         "billing_account__customer__name", "billing_account__number", "amount", "reverses_id")
            .iterator(chunk_size=CHUNK))
    for chunk in chunks(rows, CHUNK):
        settled = _settled({row[10] or row[0] for row in chunk})
        for *fields, reverses_id in chunk:
            yield PaymentRow(*fields, settled=settled.get(reverses_id or fields[0], ()))


def _settled(sources: set[int]) -> dict[int, tuple[tuple[str, Decimal], ...]]:
    """The invoices each of these funds settled: their positive allocations (a return's negative
    rows undo them later; the journal still says what the payment was for)."""
    amounts: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for source, number, amount in (Allocation.objects.filter(source_id__in=sources, amount__gt=0,
                                                             target__kind=EntryKind.INVOICE)
                                   .order_by("pk").values_list("source_id", "target__invoice__number", "amount")):
        amounts[source][number] += amount
    return {source: tuple(by_number.items()) for source, by_number in amounts.items()}


def chunks(rows: Iterable, size: int) -> Iterator[list]:
    """`rows` in lists of `size` (the last one shorter), streamed."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk

