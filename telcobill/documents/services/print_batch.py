"""Paper on request: a bill run's documents for the accounts that receive paper, gathered into one
print-ready PDF and a manifest for the operator's mail house (docs/paper.md).

The lot is printed duplex: every document starts on a recto, so a document with an odd number of
pages is followed by a blank page and never shares a sheet with the next customer's. The address
block of each document already sits in the window of a DL envelope (templates/invoice.typ).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pikepdf
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from telcobill.billing.models import BillRun, BillRunStatus, DocumentKind, Invoice, InvoiceStatus
from telcobill.customers.models import AuditEvent
from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.files import write_atomically
from telcobill.formats import french_amount, spreadsheet_writer

from ..models import PrintBatch
from .render import pdf_of

MANIFEST_COLUMNS = ("sequence", "document", "compte", "destinataire", "adresse_1", "adresse_2", "code_postal",
                    "ville", "pays", "premiere_page", "pages", "feuilles", "montant_ttc", "sha256_pdf")


@dataclass(frozen=True)
class _Placed:
    invoice: Invoice
    pdf: bytes
    first_page: int  # in the lot, 1-based
    pages: int  # the document's own pages, without the blank that may follow it

    @property
    def sheets(self) -> int:
        return (self.pages + 1) // 2


def build_print_batch(cycle: str) -> PrintBatch:
    """Gather the issued documents of `cycle`'s bill run whose account is not paperless into
    `<print_dir>/<cycle>/lot-<cycle>.pdf` and `manifest.csv` beside it, and record the batch.

    Building again gives the same bytes and updates the same row, until the batch is marked sent.
    A cycle without paper customers gives a batch of 0 documents and writes no file. `pages`
    counts the documents' pages (faces printed); the lot has 2 × `sheets` pages, blanks included.
    """
    run = BillRun.objects.filter(cycle=cycle).first()
    if run is None:
        raise NotFound(f"no bill run for cycle {cycle}: nothing to print")
    if run.status != BillRunStatus.ISSUED:
        raise NotAllowed(f"the bill run of {cycle} is not issued (status {run.status}): "
                         "paper is printed from issued documents only", code="bill_run_not_issued")
    with transaction.atomic():
        # The batch's row is locked while it is built: a hand-over waits, so the files handed over
        # are the ones recorded (mark_sent updates the same row).
        batch, _ = PrintBatch.objects.get_or_create(cycle=cycle)
        batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.sent_at is not None:
            raise NotAllowed(f"the print batch of {cycle} was handed to the mail house on {batch.sent_at:%Y-%m-%d}; "
                             "it is not built again", code="print_batch_sent")
        folder = Path(settings.EINVOICING["print_dir"]) / cycle
        pdf_path, manifest_path = folder / f"lot-{cycle}.pdf", folder / "manifest.csv"
        placed, lot = _assemble(cycle, paper_documents(run))
        absolute = Path(settings.DOCUMENTS_DIR)
        if placed:
            write_atomically(absolute / pdf_path, lot)
            write_atomically(absolute / manifest_path, manifest(placed))
        else:
            # Every paper customer went paperless since an earlier build: no stale lot left to print.
            for stale in (pdf_path, manifest_path):
                (absolute / stale).unlink(missing_ok=True)
        PrintBatch.objects.filter(pk=batch.pk).update(
            documents=len(placed), pages=sum(p.pages for p in placed), sheets=sum(p.sheets for p in placed),
            pdf_path=str(pdf_path) if placed else "", pdf_sha256=hashlib.sha256(lot).hexdigest() if placed else "",
            manifest_path=str(manifest_path) if placed else "")
    batch.refresh_from_db()
    return batch


def paper_documents(run: BillRun) -> list[Invoice]:
    """The run's issued invoices and credit notes for accounts on paper, in the mail house's order."""
    documents = (Invoice.objects.filter(bill_run=run, status=InvoiceStatus.ISSUED, billing_account__paperless=False)
                 .select_related("billing_account"))

    def presort(invoice: Invoice) -> tuple:
        # Presorted by postcode, the mail house posts at the bulk "tri" rates (lower postage) without
        # sorting again; the account number makes the order total, so a rebuild gives the same file.
        # Abroad is posted at international rates: after France, grouped by country.
        address = invoice.buyer.get("address", {})
        country = address.get("country_code", "FR")
        return country != "FR", country, address.get("postcode", ""), invoice.billing_account.number

    return sorted(documents, key=presort)


def _assemble(cycle: str, documents: list[Invoice]) -> tuple[list[_Placed], bytes]:
    placed: list[_Placed] = []
    version = "1.4"  # raised to the newest of the documents (Typst writes 1.7)
    with pikepdf.new() as lot, contextlib.ExitStack() as sources:
        for invoice in documents:
            data = pdf_of(invoice.number)
            source = sources.enter_context(pikepdf.open(io.BytesIO(data)))
            placed.append(_Placed(invoice, data, first_page=len(lot.pages) + 1, pages=len(source.pages)))
            version = max(version, source.pdf_version)
            lot.pages.extend(source.pages)
            if len(source.pages) % 2:
                box = source.pages[-1].mediabox
                lot.add_blank_page(page_size=(float(box[2]) - float(box[0]), float(box[3]) - float(box[1])))
        if not placed:
            return [], b""
        # Fixed metadata, no date, an ID derived from the content: the same documents, the same bytes.
        lot.docinfo["/Title"] = f"Lot d'impression {cycle}"
        lot.docinfo["/Creator"] = "telcobill"
        out = io.BytesIO()
        lot.save(out, min_version=version, deterministic_id=True)
    return placed, out.getvalue()


def manifest(placed: list[_Placed]) -> bytes:
    """The mail house's CSV, with telcobill's CSV conventions (docs/accounting.md): `;`, decimal
    commas, French titles, UTF-8 with a BOM, CRLF; one row per document, in the lot's order."""
    out = io.StringIO()
    writer = spreadsheet_writer(out)
    writer.writerow(MANIFEST_COLUMNS)
    for sequence, p in enumerate(placed, start=1):
        buyer = p.invoice.buyer
        address = buyer.get("address", {})
        writer.writerow([
            sequence, p.invoice.number, p.invoice.billing_account.number, buyer.get("name", ""),
            address.get("line1", ""), address.get("line2", ""), address.get("postcode", ""), address.get("city", ""),
            address.get("country_code", "FR"), p.first_page, p.pages, p.sheets,
            french_amount(_signed_gross(p.invoice)), hashlib.sha256(p.pdf).hexdigest(),
        ])
    return out.getvalue().encode("utf-8-sig")


def _signed_gross(invoice: Invoice) -> Decimal:
    # A credit note counts negative, as in every telcobill export (docs/accounting.md).
    return -invoice.total_gross if invoice.kind == DocumentKind.CREDIT_NOTE else invoice.total_gross


def mark_sent(cycle: str, by: str) -> PrintBatch:
    """Record that the batch of `cycle` was handed to the mail house; it is not rebuilt afterwards.
    Who handed it over is kept on the batch and in an audit event."""
    batch = PrintBatch.objects.filter(cycle=cycle).first()
    if batch is None:
        raise NotFound(f"no print batch for cycle {cycle}: build it first with `telcobill paper batch --cycle {cycle}`")
    if not batch.documents:
        raise Invalid(f"the print batch of {cycle} has no document: nothing to hand to the mail house")
    now = timezone.now()
    with transaction.atomic():
        # Conditional: of two staff marking it at once, one records it and the other is told.
        if not PrintBatch.objects.filter(pk=batch.pk, sent_at__isnull=True).update(sent_at=now, sent_by=by[:150]):
            batch.refresh_from_db()
            raise NotAllowed(f"the print batch of {cycle} was already handed to the mail house on "
                             f"{batch.sent_at:%Y-%m-%d}", code="print_batch_sent")
        AuditEvent.objects.create(
            at=now, kind="documents.print_batch_sent", summary=f"Lot d'impression {cycle} remis à l'imprimeur par {by}",
            data={"cycle": cycle, "by": by, "documents": batch.documents, "sheets": batch.sheets,
                  "pdf_sha256": batch.pdf_sha256})
    batch.refresh_from_db()
    return batch
