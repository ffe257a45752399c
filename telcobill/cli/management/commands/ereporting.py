"""`telcobill ereporting ...`: the e-reporting summaries for the administration (docs/ereporting.md).

    telcobill ereporting produce --period-start 2026-11-01 [--kind transactions|payments] [--force]
    telcobill ereporting due [--today 2026-12-01]     every period over and not reported yet
    telcobill ereporting check --period-start 2026-11-01 [--kind ...]   rebuilt from the documents

`check` exits with 1 when the recorded report differs from the stored documents: do not send it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from telcobill.cli.base import parse_date, refusals_as_errors
from telcobill.documents.models import EReport, EReportKind
from telcobill.errors import NotFound
from telcobill.workflows import ereporting


def _line(report: EReport) -> str:
    return (f"{report.get_kind_display()} {report.period_start} – {report.period_end}: {report.document_count} "
            f"operation(s), HT {report.total_net:.2f}, TVA {report.total_vat:.2f} — {report.file_name} "
            f"(SHA-256 {report.sha256[:12]}…)")


class Command(BaseCommand):
    help = "E-reporting: produce the periodic summaries (10.3 transactions, 10.4 payments) and check them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        for name, text in [("produce", "produce (or produce again, identically) the report of a period"),
                           ("check", "rebuild a recorded report from the stored documents and compare")]:
            action = actions.add_parser(name, help=text)
            action.add_argument("--period-start", required=True, help="the period's first day, like 2026-11-01")
            action.add_argument("--kind", choices=EReportKind.values, default=EReportKind.TRANSACTIONS)
        actions.choices["produce"].add_argument(
            "--force", action="store_true", help="produce a payments report although the operator opted for VAT on "
                                                 "debits")
        due = actions.add_parser("due", help="produce every report whose period is over and not produced yet")
        due.add_argument("--today", default=None, help="as if today were this day, like 2026-12-01")

    @refusals_as_errors
    def handle(self, *args, **options) -> None:
        if options["action"] == "due":
            today = parse_date(options["today"], "--today") if options["today"] else timezone.localdate()
            produced = ereporting.produce_due(today)
            for report in produced:
                self.stdout.write(_line(report))
            self.stdout.write(f"{len(produced)} report(s) produced")
            return
        period_start = parse_date(options["period_start"], "--period-start")
        if options["action"] == "produce":
            self.stdout.write(_line(ereporting.produce(options["kind"], period_start, force=options["force"])))
            return
        report = ereporting.latest(options["kind"], period_start)
        if report is None:
            raise NotFound(f"no {options['kind']} report starts on {period_start}")
        problems = ereporting.check(report)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{report}: {len(problems)} difference(s) with the stored documents; do not send it",
                               returncode=1)
        self.stdout.write(f"{_line(report)}: reproduced to the cent from the stored documents")
