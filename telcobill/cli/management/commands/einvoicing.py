"""telcobill einvoicing platform|sync|queue|redeposit|handled|timeline — delivery to plateformes agréées."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from telcobill.cli.base import refusals_as_errors
from telcobill.documents.models import Platform
from telcobill.documents.services import delivery as deliveries
from telcobill.errors import Invalid
from telcobill.workflows.einvoicing import sync


class Command(BaseCommand):
    help = "Deliver business documents to plateformes agréées and follow their lifecycle."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        platform = sub.add_parser("platform", help="add or update a platform")
        platform.add_argument("code")
        platform.add_argument("--name", required=True)
        platform.add_argument("--dir", default="", help="the file-exchange folder (default: <data>/einvoicing/CODE)")
        platform.add_argument("--default", action="store_true", help="deposit to it unless told otherwise")
        sub.add_parser("sync", help="prepare, deposit, read the statuses, report the paid invoices")
        sub.add_parser("queue", help="list the refused, rejected or blocked documents to handle")
        redeposit = sub.add_parser("redeposit", help="deposit a refused document again")
        redeposit.add_argument("number")
        redeposit.add_argument("--by", required=True)
        handled = sub.add_parser("handled", help="take a refused document out of the queue")
        handled.add_argument("number")
        handled.add_argument("--by", required=True)
        handled.add_argument("--note", required=True, help="what was done, e.g. 'avoir AV2026-000012 émis'")
        timeline = sub.add_parser("timeline", help="print a document's lifecycle")
        timeline.add_argument("number")

    @refusals_as_errors
    def handle(self, *, action, **options):
        getattr(self, f"_{action}")(**options)

    def _platform(self, *, code, name, dir, default, **_):
        if not code.replace("-", "").isalnum():
            raise Invalid(f"platform code {code!r}: expected letters, digits and dashes")
        platform, created = Platform.objects.update_or_create(code=code, defaults={"name": name, "exchange_dir": dir})
        if default:
            deliveries.make_default(platform)
        exchange = deliveries.exchange_of(platform)
        self.stdout.write(f"{'added' if created else 'updated'} {code}: outbox {exchange.outbox}, "
                          f"statuses {exchange.statuses}")

    def _sync(self, **_):
        result = sync()
        self.stdout.write(f"prepared {result.prepared}, deposited {result.deposited}, statuses recorded "
                          f"{result.statuses.recorded} (already known {result.statuses.duplicates}), "
                          f"reported paid {result.paid}")
        for problem in result.statuses.problems:
            self.stderr.write(f"status file set aside: {problem}")

    def _queue(self, **_):
        queue = list(deliveries.refused_queue())
        for delivery in queue:
            self.stdout.write(f"{delivery.invoice.number}  {delivery.get_state_display()}  {delivery.problem}\n"
                              f"    → {deliveries.what_to_do(delivery)}")
        self.stdout.write(f"{len(queue)} document(s) to handle")

    def _redeposit(self, *, number, by, **_):
        delivery = deliveries.redeposit(deliveries.delivery_of(number), by=by)
        self.stdout.write(f"{number} deposited again as {delivery.file_name} (attempt {delivery.attempts})")

    def _handled(self, *, number, by, note, **_):
        deliveries.mark_handled(deliveries.delivery_of(number), by=by, note=note)
        self.stdout.write(f"{number} handled: {note}")

    def _timeline(self, *, number, **_):
        delivery = deliveries.delivery_of(number)
        for event in delivery.events.all():
            who = "operator" if event.by_operator else delivery.platform.code
            reason = f" — {event.reason_code} {event.reason}".rstrip() if (event.reason or event.reason_code) else ""
            label = f"{event.status} {event.get_status_display()}"
            self.stdout.write(f"{timezone.localtime(event.at):%Y-%m-%d %H:%M}  {label}  ({who}){reason}")
