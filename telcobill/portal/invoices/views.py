"""Factures et paiements: documents by period with their status, one as a page, its PDF and XML,
a whole year as one ZIP."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from telcobill.billing.models import DocumentKind
from telcobill.billing.services.compare import compare, previous_invoice
from telcobill.documents.models import DocumentFile
from telcobill.documents.services.delivery import einvoice_of
from telcobill.documents.services.render import pdf_of
from telcobill.documents.services.xml import ubl_of
from telcobill.formats import document_file_name
from telcobill.money import incl_vat

from ..access import Space, customer_page
from .status import statuses

PAGE = 50


def _period(request: HttpRequest, space: Space) -> tuple[date, date, str]:
    """The period asked (?annee=2026, ?mois=2026-11, ?du=…&au=…), by default the last 12 months."""
    today = timezone.localdate()
    try:
        if request.GET.get("mois"):
            year, month = map(int, request.GET["mois"].split("-"))
            start = date(year, month, 1)
            end = date(year + month // 12, month % 12 + 1, 1)
            return start, end, "mois"
        if request.GET.get("annee"):
            year = int(request.GET["annee"])
            return date(year, 1, 1), date(year + 1, 1, 1), "annee"
        if request.GET.get("du") or request.GET.get("au"):
            start = date.fromisoformat(request.GET.get("du") or space.oldest_visible.isoformat())
            end = date.fromisoformat(request.GET.get("au") or today.isoformat())
            return start, date.fromordinal(end.toordinal() + 1), "dates"
    except ValueError:
        pass
    return date(today.year - 1, today.month, 1), date.fromordinal(today.toordinal() + 1), ""


@customer_page
def invoice_list(request: HttpRequest, space: Space) -> HttpResponse:
    space.require("see_invoices")
    start, end, mode = _period(request, space)
    shown_from = max(start, space.oldest_visible)
    documents = list(space.invoices().filter(issue_date__gte=shown_from, issue_date__lt=end)
                     .select_related("billing_account").order_by("-issue_date", "-number")[:PAGE * 6])
    today = timezone.localdate()
    years = sorted({d.year for d in space.invoices().dates("issue_date", "year")}, reverse=True)
    marks = statuses(documents, today)
    context = {
        "space": space, "rows": [(d, marks[d.pk]) for d in documents],
        "start": start, "end": end, "mode": mode, "years": years, "oldest": space.oldest_visible,
        "too_old": start < space.oldest_visible, "business": space.customer.is_business,
        "query": request.GET,
    }
    return render(request, "portal/invoices/list.html", context)


@customer_page
def invoice_detail(request: HttpRequest, space: Space, number: str) -> HttpResponse:
    space.require("see_invoices")
    invoice = space.invoice(number)
    status = statuses([invoice], timezone.localdate())[invoice.pk]
    # Individuals read prices incl. VAT (as advertised); businesses excl. VAT, with the rate.
    lines = [{"line": line, "incl_vat": incl_vat(line.net_amount, line.vat_rate)}
             for line in invoice.lines.order_by("position")]
    previous = previous_invoice(invoice) if invoice.kind == DocumentKind.INVOICE else None
    differences = (compare(invoice, previous, incl_vat=not space.customer.is_business)
                   if previous and space.invoices().filter(pk=previous.pk).exists() else [])
    return render(request, "portal/invoices/detail.html", {
        "previous": previous, "differences": differences,
        "space": space, "invoice": invoice, "status": status, "lines": lines,
        "business": space.customer.is_business, "corrects": invoice.corrects,
        "credit_notes": space.invoices().filter(corrects=invoice), "einvoice": einvoice_of(invoice)})


@customer_page
def invoice_pdf(request: HttpRequest, space: Space, number: str) -> HttpResponse:
    space.require("see_invoices")
    invoice = space.invoice(number)
    return HttpResponse(pdf_of(invoice.number), content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{document_file_name(invoice, "pdf")}"'})


@customer_page
def invoice_ubl(request: HttpRequest, space: Space, number: str) -> HttpResponse:
    space.require("see_invoices")
    invoice = space.invoice(number)
    return HttpResponse(ubl_of(invoice.number), content_type="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{document_file_name(invoice, "ubl.xml")}"'})


@customer_page
def invoice_xml(request: HttpRequest, space: Space, number: str) -> HttpResponse:
    space.require("see_invoices")
    invoice = space.invoice(number)
    file = DocumentFile.objects.filter(invoice=invoice).first()
    if file is None:
        raise Http404("the XML is being prepared")
    return HttpResponse(bytes(file.xml), content_type="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{document_file_name(invoice, "xml")}"'})


@customer_page
def year_zip(request: HttpRequest, space: Space, year: int) -> HttpResponse:
    """Every PDF of a calendar year in one ZIP, written to a temporary file then streamed."""
    space.require("see_invoices")
    documents = list(space.invoices().filter(issue_date__year=year).order_by("issue_date", "number"))
    if not documents:
        raise Http404(_("Aucune facture en %(year)s.") % {"year": year})
    spool = tempfile.TemporaryFile()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for invoice in documents:
            archive.writestr(document_file_name(invoice, "pdf"), pdf_of(invoice.number))
    spool.seek(0)
    name = f"factures-{space.customer.number}-{year}.zip"
    return FileResponse(spool, as_attachment=True, filename=name, content_type="application/zip")
