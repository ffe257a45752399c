"""The accounting exports as CSV files French accounting software and spreadsheets import as they
are: `;` between fields, a comma before the cents and no thousands separator, dates JJ/MM/AAAA,
column titles in French. The command writes files in UTF-8 with a BOM, so that a spreadsheet
opened by a double click reads the accents right.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from telcobill.billing.models import DocumentKind
from telcobill.formats import french_amount, french_date, french_rate, spreadsheet_writer
from telcobill.money import ZERO

from ..models import EntryKind, Method
from .accounting import PaymentRow, SalesRow, VatReport
from .receivables import AgeBucket, Receivables

VAT_CATEGORIES = {"S": "Taux normal ou réduit", "Z": "Taux zéro", "E": "Exonéré", "AE": "Autoliquidation",
                  "K": "Livraison intracommunautaire", "G": "Exportation", "O": "Hors champ de la TVA"}


@dataclass(frozen=True)
class Written:
    """What a journal file holds: its rows and their totals (shown after writing it)."""

    rows: int
    totals: tuple[Decimal, ...]


def write_sales(columns: list[tuple[str, Decimal]], rows: Iterable[SalesRow], out: TextIO) -> Written:
    """The sales journal: a net column per VAT category and rate, then the totals of the document."""
    writer = spreadsheet_writer(out)
    writer.writerow(["Date", "Numéro", "Type", "N° client", "Client", "Compte de facturation",
                     *(f"HT {category} {french_rate(rate)} %" for category, rate in columns),
                     "Total HT", "TVA", "Total TTC"])
    count, net, vat, gross = 0, ZERO, ZERO, ZERO
    for row in rows:
        writer.writerow([french_date(row.issue_date), row.number, DocumentKind(row.kind).label, row.customer_number,
                         row.customer_name, row.account_number,
                         *(french_amount(row.bases.get(column, ZERO)) for column in columns),
                         french_amount(row.net), french_amount(row.vat), french_amount(row.gross)])
        count, net, vat, gross = count + 1, net + row.net, vat + row.vat, gross + row.gross
    return Written(count, (net, vat, gross))


def write_payments(rows: Iterable[PaymentRow], out: TextIO) -> Written:
    """The payments journal, as the customer accounts see it: a payment or a write-off is a credit,
    a payment returned or a refund a debit."""
    writer = spreadsheet_writer(out)
    writer.writerow(["Date", "Type", "Moyen", "Référence", "N° client", "Client", "Compte de facturation",
                     "Débit", "Crédit", "Factures réglées", "Libellé"])
    count, debit, credit = 0, ZERO, ZERO
    for row in rows:
        writer.writerow([french_date(row.on), EntryKind(row.kind).label, Method(row.method).label if row.method else "",
                         row.reference, row.customer_number, row.customer_name, row.account_number,
                         french_amount(max(row.amount, ZERO)), french_amount(max(-row.amount, ZERO)),
                         ", ".join(f"{number} ({french_amount(amount)})" for number, amount in row.settled),
                         row.label])
        count, debit, credit = count + 1, debit + max(row.amount, ZERO), credit + max(-row.amount, ZERO)
    return Written(count, (debit, credit))


def write_vat(report: VatReport, out: TextIO) -> Written:
    writer = spreadsheet_writer(out)
    writer.writerow(["Catégorie", "Libellé", "Taux", "Base HT", "TVA"])
    for row in report.rows:
        writer.writerow([row.category, VAT_CATEGORIES.get(row.category, ""), french_rate(row.rate),
                         french_amount(row.base), french_amount(row.vat)])
    writer.writerow(["Total", "", "", french_amount(report.base), french_amount(report.vat)])
    return Written(len(report.rows), (report.base, report.vat))


def write_receivables(receivables: Receivables, out: TextIO) -> Written:
    """The aged balance per customer, and a total line."""
    writer = spreadsheet_writer(out)
    writer.writerow(["N° client", "Client", *(bucket.label for bucket in AgeBucket), "Total échu et non échu",
                     "Crédit non utilisé", "Solde"])
    for customer in receivables.customers:
        writer.writerow([customer.number, customer.name,
                         *(french_amount(customer.buckets[bucket]) for bucket in AgeBucket),
                         french_amount(customer.total), french_amount(customer.credit),
                         french_amount(customer.balance)])
    writer.writerow(["Total", "", *(french_amount(receivables.totals[bucket]) for bucket in AgeBucket),
                     french_amount(receivables.total), french_amount(receivables.credit),
                     french_amount(receivables.total - receivables.credit)])
    return Written(len(receivables.customers), (receivables.total, receivables.credit))
