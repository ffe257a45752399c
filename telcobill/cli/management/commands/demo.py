"""telcobill demo [--seed 42] [--customers 500] [--reset]: build the demo operator."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from rich.console import Console

from telcobill.billing.db_triggers import lifted_for_flush
from telcobill.cli.base import progress_bar
from telcobill.cli.demo.build import DEMO_PASSWORD, build_demo, demo_logins
from telcobill.customers.models import Customer
from telcobill.usage import store as usage_store


class Command(BaseCommand):
    help = "Build a realistic demo operator (deterministic for a seed) and print its logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--customers", type=int, default=500)
        parser.add_argument("--reset", action="store_true", help="erase the database first and build anew")

    def handle(self, *, seed, customers, reset, **options):
        console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        if reset:
            with lifted_for_flush(connection):
                call_command("flush", interactive=False, verbosity=0, allow_cascade=True)
            fs, root = usage_store.filesystem()
            if fs.exists(f"{root}/records"):
                fs.rm(f"{root}/records", recursive=True)  # the usage records the database listed
            # The demo's platform exchange, print batches and archive went with its database.
            for folder in (settings.EINVOICING["dir"], settings.ARCHIVE_DIR,
                           Path(settings.DOCUMENTS_DIR) / settings.EINVOICING["print_dir"]):
                shutil.rmtree(folder, ignore_errors=True)
        if Customer.objects.exists():
            console.print(f"The demo is already built ({Customer.objects.count()} customers); "
                          "`telcobill demo --reset` builds it anew.")
            self._print_logins(console, None)
            return
        started = time.monotonic()
        bar, update = progress_bar(Console(file=self.stderr))
        with bar:
            summary = build_demo(seed=seed, customers=customers, progress=update)
        console.print(f"Demo operator built in {time.monotonic() - started:.0f} s: {summary.customers} customers, "
                      f"{summary.lines} lines, {summary.documents} documents issued "
                      f"({summary.credit_notes} commercial credit notes), {summary.rendered} PDFs rendered.")
        console.print("  E-invoicing: " + ", ".join(f"{what} {count}" for what, count in summary.einvoicing.items()))
        console.print("  " + ", ".join(f"{phase} {seconds:.0f} s" for phase, seconds in summary.seconds.items()))
        self._print_logins(console, summary.logins)

    def _print_logins(self, console: Console, logins) -> None:
        console.print(f"Logins (password for all: [bold]{DEMO_PASSWORD}[/bold]):")
        for label, login in logins if logins is not None else demo_logins():
            console.print(f"  {label:<40} {login}")
