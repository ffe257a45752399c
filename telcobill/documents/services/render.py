"""Render issued documents to PDF/A-3b with their Factur-X XML, after the issue committed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from telcobill.billing.models import Invoice, InvoiceStatus
from telcobill.errors import NotFound
from telcobill.files import write_atomically

from ..models import DocumentFile
from ..pdf import render_pdf
from ..snapshot import document_of
from .xml import file_of


def pdf_relative_path(number: str, issue_date) -> str:
    return f"{issue_date:%Y/%m}/{number.replace('/', '_')}.pdf"


def render_documents(invoice_ids: list[int]) -> int:
    """Build the XML (once) and render the PDF of issued documents not rendered yet. Safe to
    retry: a rendered document is skipped, a file is replaced atomically. Returns how many."""
    invoices = (Invoice.objects.filter(pk__in=invoice_ids, status=InvoiceStatus.ISSUED)
                .exclude(file__rendered_at__isnull=False)
                .select_related("corrects").prefetch_related("lines"))
    count = 0
    for invoice in invoices:
        file = file_of(invoice)
        pdf = render_pdf(document_of(invoice), bytes(file.xml))
        relative = pdf_relative_path(invoice.number, invoice.issue_date)
        target = Path(settings.DOCUMENTS_DIR) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, pdf)  # a reader never sees half a file
        DocumentFile.objects.filter(pk=file.pk).update(
            pdf_path=relative, pdf_sha256=hashlib.sha256(pdf).hexdigest(), rendered_at=timezone.now())
        count += 1
    return count


def pdf_of(number: str) -> bytes:
    """The issued PDF, rendered now if its task has not run yet; its SHA-256 is checked."""
    invoice = Invoice.objects.filter(number=number, status=InvoiceStatus.ISSUED).first()
    if invoice is None:
        raise NotFound(f"no issued document numbered {number}")
    render_documents([invoice.pk])
    file = DocumentFile.objects.get(invoice=invoice)
    pdf = (Path(settings.DOCUMENTS_DIR) / file.pdf_path).read_bytes()
    if hashlib.sha256(pdf).hexdigest() != file.pdf_sha256:
        raise RuntimeError(f"the PDF of {number} on disk does not match its stored SHA-256")
    return pdf


def pending_ids() -> list[int]:
    """Issued documents whose PDF is not rendered (their task has not run, or failed)."""
    return list(Invoice.objects.filter(status=InvoiceStatus.ISSUED).exclude(file__rendered_at__isnull=False)
                .order_by("pk").values_list("pk", flat=True))
