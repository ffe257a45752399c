"""`telcobill bank import FILE...`: the bank's pain.002, camt.054 and camt.053 files.

Each answer is applied once, whatever the number of imports; a file that is not one of these is
refused whole (the others go on) and the command exits with 2.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from telcobill.errors import Invalid
from telcobill.payments.services.bank import import_bank_file


class Command(BaseCommand):
    help = "Import the bank's files: pain.002 status reports, camt.054 notifications, camt.053 statements."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        files = actions.add_parser("import", help="apply the returns and settlements of bank files")
        files.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, **options) -> None:
        console = Console()
        refused = []
        for path in options["files"]:
            try:
                report = import_bank_file(path)
            except Invalid as exc:
                refused.append(exc.message)
                console.print(f"[red]refused[/red] {exc.message}")
                continue
            if report.already_imported:
                console.print(f"{report.name} ({report.kind}): already imported, nothing changed")
                continue
            console.print(f"{report.name} ({report.kind}): {len(report.applied)} applied, {report.unchanged} already "
                          f"known, {len(report.unmatched)} matching no presentation")
            for line in report.applied:
                console.print(f"  {line}")
            for e2e in report.unmatched:
                console.print(f"  [yellow]no presentation {e2e}[/yellow] (left for staff)")
        if refused:
            raise CommandError(f"{len(refused)} file(s) refused", returncode=2)
