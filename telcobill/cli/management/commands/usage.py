"""`telcobill usage ...`: ingest usage files, re-process rejects, purge, sources, rated totals.

    telcobill usage ingest FILE... --source NAME
    telcobill usage reprocess-rejects [--source NAME]
    telcobill usage purge
    telcobill usage source add NAME [--description TEXT] | source token NAME | source list
    telcobill usage rate --month 2026-10 [--msisdn +336...]
    telcobill usage itemized --msisdn +336... --month 2026-10 [-o FILE]
    telcobill usage advice [--msisdn +336...] [--months 12]   plan advice (after each bill run)

A file that cannot be read is refused whole (the others go on) and the command exits with 2.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from telcobill.cli.base import refusals_as_errors
from telcobill.errors import Invalid
from telcobill.usage.models import UsageSource
from telcobill.usage.services.ingest import IngestResult, get_source, ingest_files


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise CommandError(f"--month: expected a month like 2026-10, got {value!r}", returncode=2) from None


class Command(BaseCommand):
    help = "Usage records: ingest files, re-process rejects, purge old records, manage sources."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        ingest = actions.add_parser("ingest", help="ingest CSV / CSV.gz files (specs/usage-records.md)")
        ingest.add_argument("files", nargs="+", metavar="FILE")
        ingest.add_argument("--source", required=True, help="the usage source the files come from")
        ingest.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4),
                            help="files read and checked at once, in worker processes (default: the cores, at most 4)")
        again = actions.add_parser("reprocess-rejects", help="run the open rejected records through ingestion again")
        again.add_argument("--source", default=None)
        actions.add_parser("purge", help="delete records older than the retention (TELCOBILL_USAGE_RETENTION_MONTHS)")
        actions.add_parser("sweep", help="delete Parquet files no ingestion committed (left by a crash)")
        source = actions.add_parser("source", help="usage sources and their API tokens")
        source_actions = source.add_subparsers(dest="source_action", required=True)
        add = source_actions.add_parser("add", help="create a source and print its API token once")
        add.add_argument("name")
        add.add_argument("--description", default="")
        token = source_actions.add_parser("token", help="replace a source's API token and print the new one")
        token.add_argument("name")
        source_actions.add_parser("list")
        annex = actions.add_parser("itemized", help="a line's itemized communications of a month, as CSV")
        annex.add_argument("--msisdn", required=True)
        annex.add_argument("--month", required=True, help="e.g. 2026-10")
        annex.add_argument("-o", "--output", default="-", help="a file (default: standard output)")
        rate = actions.add_parser("rate", help="rate a month and print its totals per line and charge")
        rate.add_argument("--month", required=True, help="e.g. 2026-10")
        rate.add_argument("--msisdn", default=None)
        advice = actions.add_parser("advice", help="compute the plan advice of every line (or one) now; "
                                                   "each bill run does it too")
        advice.add_argument("--msisdn", default=None)
        advice.add_argument("--months", type=int, default=None,
                            help="the last months compared (default: TELCOBILL_ADVICE_MONTHS)")

    @refusals_as_errors
    def handle(self, *args, action: str, **options) -> None:
        out = self.stdout._out
        console = Console(file=out, width=None if out.isatty() else 160, highlight=False, soft_wrap=True)
        if action == "ingest":
            self._ingest(console, options["files"], options["source"], options["workers"])
        elif action == "reprocess-rejects":
            from telcobill.usage.services.rejects import reprocess_rejects

            source = get_source(options["source"]) if options["source"] else None
            self._summary(console, "re-processed", reprocess_rejects(source=source))
        elif action == "purge":
            from telcobill.usage.services.retention import purge

            report = purge()
            console.print(f"kept from {report.before}: deleted {report.files} files of "
                          f"{', '.join(f'{m:%Y-%m}' for m in report.months) or 'no month'}, {report.keys} record keys, "
                          f"{report.rejects} rejected records")
        elif action == "sweep":
            from telcobill.usage.store import sweep

            console.print(f"{len(sweep())} orphan files deleted")
        elif action == "source":
            self._source(console, options)
        elif action == "itemized":
            self._itemized(options)
        elif action == "advice":
            self._advice(console, options["msisdn"], options["months"])
        else:
            self._rate(console, _month(options["month"]), options["msisdn"])

    def _advice(self, console: Console, msisdn: str | None, months: int | None) -> None:
        from telcobill.usage.models import PlanAdvice
        from telcobill.usage.services.advice import advise

        if months is not None and not 1 <= months <= 12:
            raise CommandError(f"--months: expected 1 to 12, got {months}", returncode=2)
        line_ids = None
        if msisdn:
            from telcobill.customers.identifiers import clean_msisdn
            from telcobill.customers.models import Line

            line_ids = list(Line.objects.filter(msisdn=clean_msisdn(msisdn)).exclude(status="terminated")
                            .values_list("pk", flat=True))
            if not line_ids:
                raise Invalid(f"no line in service with msisdn {msisdn}")
        summary = advise(line_ids=line_ids, months=months)
        console.print(f"{summary.lines:,} lines advised ({summary.skipped:,} with too few whole months on their "
                      f"plan); {summary.choices_rated:,} offers rated, {summary.choices_pruned:,} left out (they "
                      f"could not be cheaper); {summary.rated_records:,} records rated in {summary.seconds:.1f} s")
        worth = Decimal(settings.USAGE["advice_min_saving"])
        found = [a for a in PlanAdvice.objects.select_related("line").filter(
            **({"line_id__in": line_ids} if line_ids else {})).order_by("line__msisdn") if a.worth_telling]
        table = Table("line", "current", "cheapest", "months", "saving a month (EUR)")
        for advice in found[:50]:
            current = next(c for c in advice.choices if c["current"])
            table.add_row(advice.line.msisdn, " + ".join([current["plan"], *current["options"]]),
                          " + ".join([advice.best_plan, *advice.best_options]), str(len(advice.months)),
                          f"{advice.monthly_savings:.2f}")
        console.print(table)
        console.print(f"{len(found):,} lines would save at least {worth} EUR a month")

    def _ingest(self, console: Console, files: list[str], source_name: str, workers: int) -> None:
        source = get_source(source_name)
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} files"),
                      TimeElapsedColumn(), console=console, transient=False) as bar:
            task = bar.add_task("ingesting", total=len(files))

            def on_file(path, result, refusal):
                bar.advance(task)
                if result is not None:
                    bar.console.print(f"{path}: {result.accepted:,} accepted, {result.duplicates:,} duplicates, "
                                      f"{result.rejected:,} rejected")

            total, refused = ingest_files(source, files, workers=workers, on_file=on_file)
        for message in refused:
            console.print(f"[bold red]refused[/]: {message}")
        self._summary(console, "ingested", total, files=len(files) - len(refused))
        if refused:
            raise CommandError(f"{len(refused)} of {len(files)} files refused whole (see above)", returncode=2)

    def _summary(self, console: Console, verb: str, result: IngestResult, files: int | None = None) -> None:
        where = f" from {files} file{'s' if files != 1 else ''}" if files is not None else ""
        console.print(f"{verb}{where}: {result.accepted:,} accepted, {result.duplicates:,} duplicates, "
                      f"{result.rejected:,} rejected")
        if result.rejected:
            console.print("rejected records: back office > Consommation > Enregistrements rejetés, "
                          "or `telcobill usage reprocess-rejects` once the cause is fixed")

    def _source(self, console: Console, options) -> None:
        action = options["source_action"]
        if action == "list":
            table = Table("source", "description", "token starts with", "batches")
            for source in UsageSource.objects.order_by("name"):
                table.add_row(source.name, source.description, source.token_hint or "-",
                              str(source.batches.count()))
            console.print(table)
            return
        if action == "add":
            if UsageSource.objects.filter(name=options["name"]).exists():
                raise Invalid(f"usage source {options['name']!r} already exists")
            source = UsageSource(name=options["name"], description=options["description"])
        else:
            source = get_source(options["name"])
        token = source.new_token()
        source.full_clean()
        source.save()
        console.print(f"source {source.name}: API token (shown once, keep it secret):\n{token}")

    def _itemized(self, options) -> None:
        from telcobill.customers.identifiers import clean_msisdn
        from telcobill.customers.models import Line
        from telcobill.errors import NotFound
        from telcobill.usage.services.itemized import as_csv, itemized

        month = _month(options["month"])
        msisdn = clean_msisdn(options["msisdn"])
        line = (Line.objects.filter(msisdn=msisdn, activated_on__lte=month.replace(day=28))
                .select_related("billing_account").order_by("-activated_on").first())
        if line is None:
            raise NotFound(f"no line {msisdn} in service in {month:%Y-%m}")
        text = as_csv(itemized(line, month), language=line.billing_account.language)
        if options["output"] == "-":
            self.stdout.write(text, ending="")
        else:
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.write(text)

    def _rate(self, console: Console, month: date, msisdn: str | None) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        from telcobill.customers.models import Line
        from telcobill.usage.charges import quantity_of
        from telcobill.usage.services.rating import rate_month

        line_ids = None
        if msisdn:
            line_ids = list(Line.objects.filter(msisdn=msisdn).values_list("pk", flat=True))
            if not line_ids:
                raise Invalid(f"no line with msisdn {msisdn}")
        rated = rate_month(month, line_ids)
        if line_ids:  # the lines sharing a pool were rated with it: show the line asked for
            rated = rated.filter(pc.is_in(rated["line_id"], pa.array(line_ids, pa.int64())))
        summed = rated.group_by(["line_id", "charge"]).aggregate(
            [("line_id", "count"), ("chargeable", "sum"), ("amount_micros", "sum")])
        msisdns = dict(Line.objects.filter(pk__in=summed["line_id"].to_pylist()).values_list("pk", "msisdn"))
        sums = {(msisdns[r["line_id"]], r["charge"]): (r["line_id_count"], r["chargeable_sum"], r["amount_micros_sum"])
                for r in summed.to_pylist()}
        table = Table("line", "charge", "records", "chargeable", "amount excl. VAT")
        for (line, charge), (count, chargeable, micros) in sorted(sums.items()):
            quantity, unit = quantity_of(charge, count, chargeable)
            table.add_row(line, charge, str(count), f"{quantity} {unit}", f"{Decimal(micros) / 1_000_000:.6f}")
        console.print(table)
        console.print(f"{rated.num_rows:,} records rated for {month:%Y-%m}")
