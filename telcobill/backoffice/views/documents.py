"""Downloads for staff: issued documents (the Factur-X PDF, its CII XML, the UBL XML), e-reporting
files and print batches."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from telcobill.documents.models import EReport, PrintBatch
from telcobill.documents.services.render import pdf_of
from telcobill.documents.services.xml import ubl_of, xml_of
from telcobill.errors import NotFound
from telcobill.workflows.ereporting import report_dir

from ..access import staff_page


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _issued(fetch, number: str, content_type: str, filename: str) -> HttpResponse:
    """An issued document's file, or 404 for a number that was never issued."""
    try:
        return _attachment(fetch(number), content_type, filename)
    except NotFound as exc:
        raise Http404(exc.message) from None


@staff_page("billing.view_invoice")
def document_pdf(request: HttpRequest, number: str) -> HttpResponse:
    return _issued(pdf_of, number, "application/pdf", f"{number}.pdf")


@staff_page("billing.view_invoice")
def document_xml(request: HttpRequest, number: str) -> HttpResponse:
    return _issued(xml_of, number, "application/xml", f"{number}-factur-x.xml")


@staff_page("billing.view_invoice")
def document_ubl(request: HttpRequest, number: str) -> HttpResponse:
    return _issued(ubl_of, number, "application/xml", f"{number}-ubl.xml")


@staff_page("documents.view_ereport")
def ereport_file(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(EReport, pk=pk)
    path = report_dir() / report.file_name
    if not report.file_name or not path.is_file():
        raise Http404("the e-reporting file is not on disk")
    return _attachment(path.read_bytes(), "application/xml", report.file_name)


@staff_page("documents.view_printbatch")
def print_batch_file(request: HttpRequest, cycle: str, what: str) -> HttpResponse:
    batch = get_object_or_404(PrintBatch, cycle=cycle)
    relative = batch.pdf_path if what == "pdf" else batch.manifest_path
    path = Path(settings.DOCUMENTS_DIR) / relative
    if what not in ("pdf", "manifest") or not relative or not path.is_file():
        raise Http404("no such file in this print batch")
    content_type = "application/pdf" if what == "pdf" else "text/csv; charset=utf-8"
    return _attachment(path.read_bytes(), content_type, path.name)
