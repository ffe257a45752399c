"""telcobill archive run | verify [--year 2026] [--no-files] | export --year 2026 --output DIR"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from telcobill.cli.base import progress_bar, refusals_as_errors
from telcobill.documents.services.archive import archive_pending, export_year, verify


class Command(BaseCommand):
    help = ("The 10-year archive of issued documents and lifecycle events: add what is not archived yet, "
            "prove nothing was altered or removed (exit 1 if something was), export a year for an auditor.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("run", help="archive the rendered documents and the lifecycle events not archived yet")
        check = sub.add_parser("verify", help="recompute the chain and re-hash the archived files")
        check.add_argument("--year", type=int, help="only this year's series (default: all)")
        check.add_argument("--no-files", action="store_true", help="check the chain only, not the files")
        export = sub.add_parser("export", help="write a year's archive as a ZIP for an auditor")
        export.add_argument("--year", type=int, required=True)
        export.add_argument("--output", required=True, help="folder the ZIP is written to")

    @refusals_as_errors
    def handle(self, *, action, **options):
        if action == "run":
            self.stdout.write(f"archived {archive_pending()} entry(ies)")
        elif action == "export":
            path = export_year(options["year"], Path(options["output"]))
            self.stdout.write(f"wrote {path}")
        else:
            self._verify(options["year"], files=not options["no_files"])

    def _verify(self, year: int | None, *, files: bool) -> None:
        bar, update = progress_bar(Console(file=self.stderr))
        with bar:
            report = verify(year, files=files, progress=update)
        scope = f"year {year}" if year else "all years"
        checked = f"{scope}: {report.entries} entries in {len(report.series)} series checked"
        self.stdout.write(checked + (f", {report.files} files re-hashed" if files else " (files not re-hashed)"))
        for name, count in sorted(report.series.items()):
            self.stdout.write(f"  {name}: {count} entries, last hash {report.heads[name]}")
        for warning in report.warnings:
            self.stdout.write(f"warning — {warning}")
        for problem in report.problems:
            self.stdout.write(f"PROBLEM — {problem}")
        if not report.ok:
            raise CommandError(f"the archive was altered: {len(report.problems)} problem(s), first: "
                               f"{report.problems[0]}", returncode=1)
        self.stdout.write("archive intact")
