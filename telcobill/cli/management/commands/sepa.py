"""`telcobill sepa ...`: SEPA direct debit.

    telcobill sepa collect --date 2026-11-20 [-o FILE]   the pain.008 batch of the collections due
    telcobill sepa batches                                the batches written so far
    telcobill sepa lapse                                  end the mandates unused for 36 months
    telcobill sepa mandate-pdf TB-A000001-001 [-o FILE]   the signed mandate form, as a PDF

A collection lands in exactly one batch: running `collect` again (or twice at once) writes a new
batch only of what is newly due. The file is validated against the ISO 20022 schema first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from telcobill.cli.base import parse_date, refusals_as_errors
from telcobill.errors import NotFound
from telcobill.payments.models import CollectionBatch, Mandate
from telcobill.payments.services.collections import batch_file, collect
from telcobill.payments.services.mandate_pdf import render_mandate_pdf
from telcobill.payments.services.mandates import lapse_unused_mandates


class Command(BaseCommand):
    help = "SEPA direct debit: write the pain.008 batch of the collections due, list the batches."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser("collect", help="write the pain.008 batch of the collections due by a date")
        run.add_argument("--date", required=True, help="the collection date (ReqdColltnDt), like 2026-11-20")
        run.add_argument("-o", "--output", default=None, help="also copy the file here")
        actions.add_parser("batches", help="the batches written so far")
        actions.add_parser("lapse", help="end the mandates unused for 36 months (run monthly)")
        form = actions.add_parser("mandate-pdf", help="the mandate form as the debtor signed it, as a PDF")
        form.add_argument("reference", help="the mandate reference (RUM), like TB-A000001-001")
        form.add_argument("-o", "--output", default=None, help="where to write it (default: RUM.pdf)")

    @refusals_as_errors
    def handle(self, *args, **options) -> None:
        console = Console()
        if options["action"] == "lapse":
            lapsed = lapse_unused_mandates()
            console.print(f"{len(lapsed)} mandate(s) lapsed after 36 months unused"
                          + (f": {', '.join(lapsed)}" if lapsed else ""))
            return
        if options["action"] == "mandate-pdf":
            self._mandate_pdf(console, options["reference"], options["output"])
            return
        if options["action"] == "batches":
            table = Table("batch", "collection date", "debits", "total (EUR)", "file")
            for batch in CollectionBatch.objects.all()[:50]:
                table.add_row(batch.message_id, batch.collect_on.isoformat(), str(batch.count), f"{batch.total:.2f}",
                              batch.path)
            console.print(table)
            return
        batch = collect(parse_date(options["date"], "--date"))
        if batch is None:
            console.print(f"Nothing to collect by {options['date']}: every collection due is already in a batch.")
            return
        path = batch_file(batch)
        if options["output"]:
            shutil.copyfile(path, options["output"])
        console.print(f"Batch {batch.message_id}: {batch.count} debits, EUR {batch.total:.2f}, for "
                      f"{batch.collect_on.isoformat()} — {options['output'] or path} (valid pain.008.001.08)")

    def _mandate_pdf(self, console: Console, reference: str, output: str | None) -> None:
        mandate = Mandate.objects.select_related("billing_account").filter(reference=reference).first()
        if mandate is None:
            raise NotFound(f"no mandate {reference}: check the RUM printed on the invoice (TB-<account>-<n>)")
        path = Path(output or f"{reference}.pdf")
        path.write_bytes(render_mandate_pdf(mandate))
        console.print(f"Mandate {reference} ({mandate.get_status_display()}) — {path}")
