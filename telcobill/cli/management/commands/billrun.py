"""telcobill billrun --cycle 2026-11 [--trial | --approve --by NAME | --report | --hold ACCOUNT ...]"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from telcobill.billing.services import billrun
from telcobill.billing.services.report import build_report
from telcobill.cli.base import progress_bar, refusals_as_errors
from telcobill.workflows.bill_run import run_bill_run


class Command(BaseCommand):
    help = ("Compute a cycle's bill run (fees of the month in advance, usage of the month before), "
            "report it, and issue it once approved. Run it again to resume after an interruption.")

    def add_arguments(self, parser):
        parser.add_argument("--cycle", required=True, help="the cycle's month, YYYY-MM (e.g. 2026-11)")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--trial", action="store_true", help="compute and report; issue nothing")
        action.add_argument("--approve", action="store_true", help="approve the computed run, then issue it")
        action.add_argument("--report", action="store_true", help="print the last report and stop")
        action.add_argument("--hold", metavar="ACCOUNT", help="leave a billing account out of the issue")
        action.add_argument("--release", metavar="ACCOUNT", help="put a held account back in the issue")
        parser.add_argument("--by", default="", help="who approves or holds (printed in the run's history)")
        parser.add_argument("--reason", default="", help="why an account is held")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--workers", type=int, default=1,
                            help="processes computing and validating batches at once (default 1: this one)")

    @refusals_as_errors
    def handle(self, *, cycle, trial, approve, report, hold, release, by, reason, json: bool, workers, **options):
        console = Console(file=self.stdout, stderr=False, highlight=False)
        if hold:
            billrun.hold_account(cycle=cycle, account_number=hold, reason=reason, by=by)
            console.print(f"Account {hold} is held out of cycle {cycle}: {reason}")
            return
        if release:
            billrun.release_account(cycle=cycle, account_number=release)
            console.print(f"Account {release} is back in cycle {cycle}; run the bill run again to issue it.")
            return
        if report:
            run = billrun.get_run(cycle)
        else:
            bar, update = progress_bar(Console(file=self.stderr))
            with bar:
                run = run_bill_run(cycle, trial=trial, approve_by=(by or "cli") if approve else "",
                                   progress=update, workers=workers)
        data = run.report or build_report(run)
        if json:
            self.stdout.write(json_dumps(data))
        else:
            print_report(console, run, data)


def json_dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def print_report(console: Console, run, data: dict) -> None:
    table = Table(title=f"Bill run {run.cycle} — {run.get_status_display()}" + (" (trial)" if run.trial else ""))
    for column in ("documents", "status", "count", "total excl. VAT", "VAT", "total incl. VAT"):
        table.add_column(column, justify="right" if column != "documents" else "left")
    for key, row in sorted(data.get("by_kind_and_status", {}).items()):
        kind, status = key.split(":")
        table.add_row(kind, status, str(row["count"]), row["net"], row["vat"], row["gross"])
    console.print(table)
    console.print(f"Issue date {data['issue_date']} · accounts at zero: {data['accounts_at_zero']} · "
                  f"net credits (credit notes): {data['credit_notes']} · varying more than "
                  f"{data['variance_percent']} %: {data['varying']} · held by validation: "
                  f"{data['held_by_validation']} · held by staff: {len(data['held_by_staff'])}")
    for held in data.get("held_sample", [])[:10]:
        rules = ", ".join(p["rule"] for p in held["problems"])
        console.print(f"  held {held['account']}: {rules}")
    if run.status == "computed" and not run.trial:
        console.print(f"Awaiting approval: telcobill billrun --cycle {run.cycle} --approve --by NAME")
