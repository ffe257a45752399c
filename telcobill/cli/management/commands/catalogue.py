"""`telcobill catalogue load FILE | check FILE | show [--on DATE]`: the catalogue from the terminal.

A refused file prints every problem on stderr and exits with status 2; nothing is written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from telcobill.catalogue.loader import CatalogueError, LoadReport, check_catalogue, load_catalogue
from telcobill.catalogue.models import CataloguePolicy, Product, VatRule, Zone
from telcobill.catalogue.snapshot import load_snapshot
from telcobill.cli.base import parse_date
from telcobill.money import CENT


def _money(amount: Decimal) -> str:
    """At least the cents, and the catalogue's extra decimals when it has them (0.001523)."""
    exact = amount.normalize()
    return f"{exact:f}" if exact.as_tuple().exponent < -2 else f"{amount.quantize(CENT):f}"


class Command(BaseCommand):
    help = "Load, check or show the catalogue (format: docs/catalogue.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{load,check,show}")
        load = actions.add_parser("load", help="check a TOML catalogue file and load it in one transaction")
        load.add_argument("file")
        check = actions.add_parser("check", help="check a TOML catalogue file without loading it")
        check.add_argument("file")
        show = actions.add_parser("show", help="print the catalogue in the database")
        show.add_argument("--on", type=str, default=None, help="prices in force on this date (default: today)")

    def handle(self, *args, action: str, **options) -> None:
        out = self.stdout._out
        # Piped or captured output is not cut at 80 columns.
        console = Console(file=out, width=None if out.isatty() else 160, highlight=False, soft_wrap=True)
        try:
            if action == "load":
                self._print_report(console, load_catalogue(options["file"]))
            elif action == "check":
                spec, digest = check_catalogue(options["file"])
                console.print(f"{options['file']}: valid, {len(spec.products)} products, "
                              f"{len(spec.zones)} zones, sha256 {digest}")
            else:
                on = parse_date(options["on"], "--on") if options["on"] else timezone.localdate()
                self._show(console, on)
        except CatalogueError as refused:
            raise CommandError(refused.message, returncode=2) from None

    def _print_report(self, console: Console, report: LoadReport) -> None:
        table = Table(title=f"Catalogue loaded from {report.source}")
        for column in ("", "created", "updated", "unchanged", "deleted", "retired"):
            table.add_column(column, justify="left" if not column else "right")
        for kind, tally in report.tallies.items():
            table.add_row(kind.replace("_", " "), *(str(n) for n in (tally.created, tally.updated, tally.unchanged,
                                                                     tally.deleted, tally.retired)))
        console.print(table, soft_wrap=False)
        if report.retired_products:
            console.print("Retired from sale (absent from the file, still in use): "
                          + ", ".join(report.retired_products))
        if report.kept_vat_rules:
            console.print("VAT rules absent from the file but still in use, kept: " + ", ".join(report.kept_vat_rules))
        console.print(f"sha256 {report.sha256}, policy #{report.policy_id}")

    def _show(self, console: Console, on: date) -> None:
        snapshot = load_snapshot()
        table = Table(title=f"Products, prices on {on.isoformat()}")
        for column in ("kind", "code", "name", "segment", "price", "VAT", "commitment", "tier", "section", "retired"):
            table.add_column(column, justify="right" if column in ("price", "commitment", "tier") else "left")
        for product in Product.objects.order_by("kind", "segment", "tier", "code"):
            try:
                price = snapshot.product(product.code).price_on(on)
                shown, vat = _money(price.amount), "incl." if price.includes_vat else "excl."
            except LookupError:
                shown, vat = "—", ""
            table.add_row(product.kind, product.code, product.name, product.segment, shown, vat,
                          f"{product.commitment_months} m" if product.commitment_months else "",
                          str(product.tier) if product.kind == "plan" else "", product.section,
                          "yes" if product.retired else "")
        console.print(table, soft_wrap=False)
        zones = Table(title="Zones")
        for column in ("code", "kind", "name", "prefixes / countries / networks", "like home"):
            zones.add_column(column)
        for zone in Zone.objects.order_by("kind", "code"):
            where = zone.prefixes or zone.countries + zone.networks
            listed = ", ".join(where[:8]) + (f" … ({len(where)})" if len(where) > 8 else "")
            zones.add_row(zone.code, zone.kind, zone.name, listed, "yes" if zone.like_home else "")
        console.print(zones, soft_wrap=False)
        rules = ", ".join(f"{rule.code} ({rule.category})" for rule in VatRule.objects.order_by("code"))
        console.print(f"VAT rules: {rules or '—'}")
        policy = CataloguePolicy.objects.first()
        if policy is None:
            console.print("No catalogue loaded yet: telcobill catalogue load FILE")
        else:
            console.print(f"Policy (loaded {policy.loaded_at:%Y-%m-%d %H:%M} from {policy.source}): "
                          f"upgrade {policy.upgrade}, downgrade {policy.downgrade}, allowances on change "
                          f"{policy.allowance_on_change}, early termination {policy.early_termination_fee}, "
                          f"notice {policy.termination_notice_days} days")
