"""telcobill invoice pdf|xml|credit|show NUMBER"""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from telcobill.billing.models import Invoice
from telcobill.cli.base import refusals_as_errors
from telcobill.documents.services.render import pdf_of
from telcobill.documents.services.xml import ubl_of, xml_of
from telcobill.errors import NotFound
from telcobill.workflows.credit_note import credit_invoice


class Command(BaseCommand):
    help = "Issued invoices and credit notes: their PDF, their XML, credit notes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        pdf = sub.add_parser("pdf", help="write the Factur-X PDF of a document")
        pdf.add_argument("number")
        pdf.add_argument("-o", "--output", required=True, help="file to write ('-' for standard output)")
        xml = sub.add_parser("xml", help="print the XML of a document (CII as issued, or UBL 2.1)")
        xml.add_argument("number")
        xml.add_argument("--syntax", choices=["cii", "ubl"], default="cii")
        xml.add_argument("-o", "--output", default="-")
        show = sub.add_parser("show", help="print a document's lines and totals")
        show.add_argument("number")
        credit = sub.add_parser("credit", help="issue a credit note for an invoice")
        credit.add_argument("number")
        credit.add_argument("--reason", required=True, help="printed on the credit note")
        credit.add_argument("--lines", default="", help="positions of the lines to credit, e.g. 1,3 (default: all)")
        credit.add_argument("--amount", default="", help="credit this amount incl. VAT instead of lines")

    @refusals_as_errors
    def handle(self, *, action, number, **options):
        if action == "pdf":
            self._write(pdf_of(number), options["output"])
        elif action == "xml":
            self._write(ubl_of(number) if options["syntax"] == "ubl" else xml_of(number), options["output"])
        elif action == "show":
            self._show(number)
        else:
            positions = [int(p) for p in options["lines"].split(",") if p.strip()] if options["lines"] else None
            amount = None
            if options["amount"]:
                try:
                    amount = Decimal(options["amount"].replace(",", "."))
                except InvalidOperation:
                    raise CommandError(f"--amount {options['amount']!r}: expected an amount like 12.50",
                                       returncode=2) from None
            note = credit_invoice(number, reason=options["reason"], positions=positions, amount_incl_vat=amount)
            self.stdout.write(f"{note.number} issued on {note.issue_date}: credits {number} for "
                              f"{note.total_gross} € incl. VAT ({note.total_net} € excl. VAT)")

    def _write(self, data: bytes, output: str) -> None:
        if output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            with open(output, "wb") as fh:
                fh.write(data)
            self.stdout.write(f"wrote {output} ({len(data)} bytes)")

    def _show(self, number: str) -> None:
        doc = Invoice.objects.filter(number=number).first()
        if doc is None:
            raise NotFound(f"no issued document numbered {number}")
        self.stdout.write(f"{doc.get_kind_display()} {doc.number} of {doc.issue_date} — account "
                          f"{doc.billing_account.number} {doc.buyer.get('name')}")
        for line in doc.lines.order_by("position"):
            self.stdout.write(f"  {line.position:>3} {line.section:<15} {line.msisdn:<13} {line.description[:50]:<50} "
                              f"{line.quantity:>10} × {line.unit_price:>12} = {line.net_amount:>10}  "
                              f"VAT {line.vat_category} {line.vat_rate}%")
        self.stdout.write(f"  total excl. VAT {doc.total_net}  VAT {doc.total_vat}  total incl. VAT {doc.total_gross}")
