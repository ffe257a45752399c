"""Render issued documents to PDF/A-3b with their Factur-X XML, after the issue committed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from telcobill.errors import NotFound

from ..models import DocumentFile
from ..pdf import render_pdf
from ..snapshot import document_of


def pdf_relative_path(number: str, issue_date) -> str:
    return f"{issue_date:%Y/%m}/{number.replace('/', '_')}.pdf"


def render_documents(invoice_ids: list[int]) -> int:
    """Render the PDFs not rendered yet (safe to retry: a rendered one is skipped); return how many."""
    files = (DocumentFile.objects.filter(invoice_id__in=invoice_ids, rendered_at__isnull=True)
             .select_related("invoice", "invoice__corrects").prefetch_related("invoice__lines"))
    count = 0
    for file in files:
        invoice = file.invoice
        pdf = render_pdf(document_of(invoice), bytes(file.xml))
        relative = pdf_relative_path(invoice.number, invoice.issue_date)
        target = Path(settings.DOCUMENTS_DIR) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".pdf.part")
        temporary.write_bytes(pdf)
        os.replace(temporary, target)  # atomic: a reader never sees half a file
        DocumentFile.objects.filter(pk=file.pk).update(
            pdf_path=relative, pdf_sha256=hashlib.sha256(pdf).hexdigest(), rendered_at=timezone.now())
        count += 1
    return count


def pdf_of(number: str) -> bytes:
    """The issued PDF, rendered now if its task has not run yet; its SHA-256 is checked."""
    file = DocumentFile.objects.filter(invoice__number=number).select_related("invoice").first()
    if file is None:
        raise NotFound(f"no issued document numbered {number}")
    if file.rendered_at is None:
        render_documents([file.invoice_id])
        file.refresh_from_db()
    pdf = (Path(settings.DOCUMENTS_DIR) / file.pdf_path).read_bytes()
    if hashlib.sha256(pdf).hexdigest() != file.pdf_sha256:
        raise RuntimeError(f"the PDF of {number} on disk does not match its stored SHA-256")
    return pdf


def pending_ids() -> list[int]:
    return list(DocumentFile.objects.filter(rendered_at__isnull=True).values_list("invoice_id", flat=True))
