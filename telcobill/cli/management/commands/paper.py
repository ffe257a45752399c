"""telcobill paper batch --cycle 2026-11 | telcobill paper sent --cycle 2026-11 --by NAME"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from telcobill.cli.base import refusals_as_errors
from telcobill.documents.services.print_batch import build_print_batch, mark_sent


class Command(BaseCommand):
    help = ("Paper on request: gather a cycle's documents for accounts on paper into one PDF and a "
            "manifest for the mail house (batch), then record that it was handed over (sent).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        batch = sub.add_parser("batch", help="build (or build again) the print batch of a cycle")
        batch.add_argument("--cycle", required=True, help="the bill run's cycle, YYYY-MM (e.g. 2026-11)")
        sent = sub.add_parser("sent", help="record that the batch was handed to the mail house")
        sent.add_argument("--cycle", required=True, help="the bill run's cycle, YYYY-MM (e.g. 2026-11)")
        sent.add_argument("--by", default="cli", help="who handed it over (kept in the audit trail)")

    @refusals_as_errors
    def handle(self, *, action, cycle, **options):
        if action == "sent":
            batch = mark_sent(cycle, options["by"])
            self.stdout.write(f"Print batch {cycle} handed to the mail house on {batch.sent_at:%Y-%m-%d %H:%M} "
                              f"({batch.documents} document(s), {batch.sheets} sheet(s)).")
            return
        batch = build_print_batch(cycle)
        if not batch.documents:
            self.stdout.write(f"Print batch {cycle}: no account on paper, nothing to print (no file written).")
            return
        blanks = 2 * batch.sheets - batch.pages
        root = Path(settings.DOCUMENTS_DIR)
        self.stdout.write(f"Print batch {cycle}: {batch.documents} document(s), {batch.pages} page(s) "
                          f"+ {blanks} blank, {batch.sheets} sheet(s) printed duplex")
        self.stdout.write(f"PDF:      {root / batch.pdf_path}")
        self.stdout.write(f"SHA-256:  {batch.pdf_sha256}")
        self.stdout.write(f"Manifest: {root / batch.manifest_path}")
