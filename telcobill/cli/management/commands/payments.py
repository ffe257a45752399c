"""`telcobill payments ...`: refunds and the ledger.

    telcobill payments refunds --date 2026-12-01 [-o FILE]   the pain.001 batch of refunds by transfer
    telcobill payments reconcile                             the ledger against documents and payments
    telcobill payments balance ACCOUNT                       an account's entries and balance

`reconcile` exits with 1 when anything does not match to the cent.
"""

from __future__ import annotations

import shutil

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from telcobill.cli.base import parse_date, refusals_as_errors
from telcobill.customers.models import BillingAccount
from telcobill.payments.models import LedgerEntry
from telcobill.payments.services import ledger
from telcobill.payments.services.collections import batch_file
from telcobill.payments.services.refunds import send_refunds

LABELS = {"invoiced": "invoices issued", "credited": "credit notes", "paid": "payments received",
          "reversed": "payments returned", "refunded": "refunds paid", "written_off": "written off",
          "owed": "open (owed by customers)", "credit": "customers' credit"}


class Command(BaseCommand):
    help = "Refunds by SEPA credit transfer, and the ledger's reconciliation."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        refunds = actions.add_parser("refunds", help="write the pain.001 batch of the refunds by transfer")
        refunds.add_argument("--date", required=True, help="the execution date, like 2026-12-01")
        refunds.add_argument("-o", "--output", default=None, help="also copy the file here")
        actions.add_parser("reconcile", help="check the ledger against documents and payments, to the cent")
        show = actions.add_parser("balance", help="an account's ledger and balance")
        show.add_argument("account", help="billing account number")

    @refusals_as_errors
    def handle(self, *args, **options) -> None:
        console = Console()
        getattr(self, f"_{options['action']}")(console, options)

    def _refunds(self, console, options) -> None:
        on = parse_date(options["date"], "--date")
        batch = send_refunds(on)
        if batch is None:
            console.print("No refund by transfer is waiting.")
            return
        if options["output"]:
            shutil.copyfile(batch_file(batch), options["output"])
        console.print(f"Batch {batch.message_id}: {batch.count} refund(s), EUR {batch.total:.2f}, executed "
                      f"{on.isoformat()} — {options['output'] or batch_file(batch)} (valid pain.001.001.09)")

    def _reconcile(self, console, options) -> None:
        result = ledger.reconcile()
        table = Table("", "EUR", title="Ledger")
        for key, label in LABELS.items():
            table.add_row(label, f"{result.totals[key]:.2f}")
        console.print(table)
        moved, open_items = result.identity
        console.print(f"invoiced − credited − paid + returned + refunded − written off = {moved:.2f}; "
                      f"open − credit = {open_items:.2f}")
        for problem in result.problems:
            console.print(f"[red]✗[/red] {problem}")
        if result.problems:
            raise CommandError(f"{len(result.problems)} problem(s): the ledger does not reconcile", returncode=1)
        console.print("[green]✓[/green] every document, payment and allocation reconciles to the cent")

    def _balance(self, console, options) -> None:
        account = BillingAccount.objects.filter(number=options["account"]).first()
        if account is None:
            raise CommandError(f"no billing account {options['account']!r}", returncode=2)
        table = Table("date", "entry", "label", "EUR")
        for entry in LedgerEntry.objects.filter(billing_account=account).order_by("on", "pk"):
            table.add_row(entry.on.isoformat(), entry.get_kind_display(), entry.label, f"{entry.amount:.2f}")
        console.print(table)
        balance = ledger.balance(account)
        console.print(f"open {balance.owed:.2f} − credit {balance.credit:.2f} = balance {balance.balance:.2f} EUR")
