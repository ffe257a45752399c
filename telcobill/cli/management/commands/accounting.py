"""`telcobill accounting ...`: the exports an operator's accountant imports (docs/accounting.md).

    telcobill accounting sales --from 2026-11-01 --to 2026-11-30 [-o FILE]   the sales journal (CSV)
    telcobill accounting payments --from D --to D [-o FILE]     payments, returns, refunds, write-offs (CSV)
    telcobill accounting vat --from D --to D [-o FILE]          VAT collected by rate (a table; CSV with -o)
    telcobill accounting receivables --on D [-o FILE]           what customers owe, by age (a table; CSV with -o)
    telcobill accounting fec --year 2026 [-o DIR]               the FEC of a fiscal year, checked once written

Journals go to standard output without -o. CSV files: `;`, decimal comma, UTF-8 with a BOM.
A FEC that fails its check exits with 1 and lists the problems: do not hand that file over.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from telcobill.cli.base import parse_date, refusals_as_errors
from telcobill.errors import Invalid
from telcobill.payments.services import accounting_csv as csv
from telcobill.payments.services.accounting import (
    AgeBucket,
    payments_journal,
    receivables_by_age,
    sales_columns,
    sales_journal,
    vat_collected,
)
from telcobill.payments.services.fec import write_fec
from telcobill.payments.services.fec_check import check_fec

TOP = 20  # overdue customers printed


def _overdue(customer) -> Decimal:
    return customer.total - customer.buckets[AgeBucket.NOT_DUE]


def _period(options) -> tuple[date, date]:
    start, end = parse_date(options["start"], "--from"), parse_date(options["end"], "--to")
    if end < start:
        raise Invalid(f"--to {end} is before --from {start}")
    return start, end


@contextmanager
def _csv_out(path: str | None):
    """The file asked for (UTF-8 with a BOM, for spreadsheets), or standard output."""
    if path is None:
        yield sys.stdout
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        yield out


class Command(BaseCommand):
    help = "Accounting exports: sales and payments journals, VAT collected, receivables by age, the FEC."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        for name, text in [("sales", "the sales journal: one row per invoice and credit note issued (CSV)"),
                           ("payments", "payments, returns, refunds and write-offs of the period (CSV)"),
                           ("vat", "VAT collected by category and rate (VAT on debits: by issue date)")]:
            action = actions.add_parser(name, help=text)
            action.add_argument("--from", dest="start", required=True, help="first day, like 2026-11-01")
            action.add_argument("--to", dest="end", required=True, help="last day, included, like 2026-11-30")
            action.add_argument("-o", "--output", default=None, help="write the CSV to this file")
        ageing = actions.add_parser("receivables", help="open invoices by days past due, per customer")
        ageing.add_argument("--on", required=True, help="as of this day, like 2026-12-31")
        ageing.add_argument("-o", "--output", default=None, help="also write the CSV to this file")
        fec = actions.add_parser("fec", help="the FEC (LPF art. A47 A-1) of a fiscal year, then its check")
        fec.add_argument("--year", type=int, required=True, help="the fiscal year, by the year it ends in")
        fec.add_argument("-o", "--output", default=None, help="the folder to write it in (default: var/accounting)")

    @refusals_as_errors
    def handle(self, *args, **options) -> None:
        # A journal without -o goes to standard output: the summary then goes to standard error.
        to_stdout = options["action"] in ("sales", "payments") and not options["output"]
        getattr(self, f"_{options['action']}")(Console(stderr=to_stdout), options)

    def _sales(self, console: Console, options) -> None:
        start, end = _period(options)
        with _csv_out(options["output"]) as out:
            written = csv.write_sales(sales_columns(start, end), sales_journal(start, end), out)
        net, vat, gross = (csv.french_amount(total) for total in written.totals)
        console.print(f"{written.rows} document(s) from {start} to {end}: HT {net}, TVA {vat}, TTC {gross}"
                      + (f" — {options['output']}" if options["output"] else ""), soft_wrap=True)

    def _payments(self, console: Console, options) -> None:
        start, end = _period(options)
        with _csv_out(options["output"]) as out:
            written = csv.write_payments(payments_journal(start, end), out)
        debit, credit = (csv.french_amount(total) for total in written.totals)
        console.print(f"{written.rows} movement(s) from {start} to {end}: débit {debit}, crédit {credit}"
                      + (f" — {options['output']}" if options["output"] else ""), soft_wrap=True)

    def _vat(self, console: Console, options) -> None:
        report = vat_collected(*_period(options))
        if not report.on_debits:
            console.print("[yellow]The operator did not opt for VAT on debits: VAT on services is due when paid, "
                          "not when invoiced; this report counts it by issue date.[/yellow]")
        table = Table("catégorie", "taux", "base HT", "TVA", title=f"TVA collectée du {report.start} au {report.end} "
                      f"({report.documents} documents)")
        for row in report.rows:
            table.add_row(row.category, f"{csv.french_rate(row.rate)} %", csv.french_amount(row.base),
                          csv.french_amount(row.vat))
        table.add_row("Total", "", csv.french_amount(report.base), csv.french_amount(report.vat))
        console.print(table)
        if options["output"]:
            with _csv_out(options["output"]) as out:
                csv.write_vat(report, out)

    def _receivables(self, console: Console, options) -> None:
        """The totals by age, then the customers most overdue (the CSV has every customer)."""
        receivables = receivables_by_age(parse_date(options["on"], "--on"))
        money = csv.french_amount
        totals = Table("tranche", "montant", title=f"Créances clients au {receivables.on}")
        for bucket in AgeBucket:
            totals.add_row(str(bucket.label), money(receivables.totals[bucket]))
        totals.add_row("Crédit non utilisé", money(-receivables.credit))
        totals.add_row("Solde", money(receivables.total - receivables.credit))
        console.print(totals)
        late = sorted((c for c in receivables.customers if _overdue(c) > 0), key=lambda c: (-_overdue(c), c.number))
        if late:
            table = Table("client", "nom", "échu", "dont plus de 90 j", "solde",
                          title=f"Clients en retard ({min(len(late), TOP)} sur {len(late)})")
            for customer in late[:TOP]:
                table.add_row(customer.number, customer.name, money(_overdue(customer)),
                              money(customer.buckets[AgeBucket.OVER_90]), money(customer.balance))
            console.print(table)
        if options["output"]:
            with _csv_out(options["output"]) as out:
                csv.write_receivables(receivables, out)

    def _fec(self, console: Console, options) -> None:
        written = write_fec(options["year"], Path(options["output"] or settings.ACCOUNTING["export_dir"]))
        problems = check_fec(written.path)
        if problems:
            for problem in problems[:100]:
                console.print(f"[red]{problem}[/red]", soft_wrap=True)
            raise CommandError(f"{written.path}: {len(problems)} problem(s) against the FEC format (LPF art. A47 A-1)"
                               "; do not hand this file over", returncode=1)
        console.print(f"{written.path}: {written.entries} entries, {written.lines} lines, débit = crédit = "
                      f"{csv.french_amount(written.debit)} € (checked: FEC format, LPF art. A47 A-1)", soft_wrap=True)
