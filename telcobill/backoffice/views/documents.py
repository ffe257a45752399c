"""Downloads of issued documents: the Factur-X PDF and its CII XML, for staff."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from telcobill.documents.services.render import pdf_of
from telcobill.documents.services.xml import xml_of
from telcobill.errors import NotFound

from ..access import staff_page


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_page("billing.view_invoice")
def document_pdf(request: HttpRequest, number: str) -> HttpResponse:
    try:
        return _attachment(pdf_of(number), "application/pdf", f"{number}.pdf")
    except NotFound as exc:
        raise Http404(exc.message) from None


@staff_page("billing.view_invoice")
def document_xml(request: HttpRequest, number: str) -> HttpResponse:
    try:
        return _attachment(xml_of(number), "application/xml", f"{number}-factur-x.xml")
    except NotFound as exc:
        raise Http404(exc.message) from None
