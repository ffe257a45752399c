"""`telcobill dunning ...`: the daily dunning of unpaid invoices.

    telcobill dunning run [--date 2026-12-04]   review payment plans, then take each overdue invoice
                                                 to the steps due (reminders, penalties, proposals)
    telcobill dunning queue                      the suspension proposals waiting for staff

Safe to run more than once a day: each step is taken once per invoice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from telcobill.cli.base import parse_date, refusals_as_errors
from telcobill.payments.models import DunningRecord, DunningStatus
from telcobill.payments.services import plans
from telcobill.payments.services.dunning import run_dunning


class Command(BaseCommand):
    help = "Dunning: remind, charge penalties and propose suspensions for overdue invoices."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser("run", help="take the overdue invoices to the steps due (daily)")
        run.add_argument("--date", default=None, help="the day to run for (default: today)")
        actions.add_parser("queue", help="the suspension proposals waiting for a decision")

    @refusals_as_errors
    def handle(self, *args, **options) -> None:
        console = Console()
        if options["action"] == "queue":
            table = Table("invoice", "account", "due", "days late", "left (EUR)")
            for record in (DunningRecord.objects.filter(status=DunningStatus.PROPOSED)
                           .select_related("invoice__billing_account").order_by("on")):
                table.add_row(record.invoice.number, record.invoice.billing_account.number,
                              record.invoice.due_date.isoformat(), str((record.on - record.invoice.due_date).days),
                              f"{record.amount_due:.2f}")
            console.print(table)
            return
        on = parse_date(options["date"], "--date") if options["date"] else None
        completed, broken = plans.review_plans(on)
        report = run_dunning(on)
        console.print(f"{report.on}: {report.overdue} overdue invoice(s); {len(report.reminders)} reminder(s), "
                      f"{len(report.penalties)} penalty invoice(s), {len(report.proposals)} suspension proposal(s), "
                      f"{report.skipped} step(s) skipped; payment plans: {len(completed)} completed, "
                      f"{len(broken)} broken")
        for failure in report.failures:
            console.print(f"[red]✗[/red] {failure}")
        if report.failures:
            raise CommandError(f"{len(report.failures)} step(s) could not be taken; see above", returncode=1)
