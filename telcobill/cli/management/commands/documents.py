"""telcobill documents render --pending: render PDFs whose task has not run (crash recovery)."""

from django.core.management.base import BaseCommand

from telcobill.documents.services.render import pending_ids, render_documents


class Command(BaseCommand):
    help = "Render the PDFs of issued documents that are not rendered yet."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        render = sub.add_parser("render")
        render.add_argument("--pending", action="store_true", required=True)

    def handle(self, *, action, **options):
        ids = pending_ids()
        count = render_documents(ids)
        self.stdout.write(f"rendered {count} document(s)")
