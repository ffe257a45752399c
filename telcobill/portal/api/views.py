"""What the app reads: who I am, my invoices (with their status, PDF and XML), my balance, my
lines and this month's consumption."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.errors import HttpError

from telcobill.documents.models import DocumentFile
from telcobill.documents.services.delivery import einvoice_of
from telcobill.documents.services.render import pdf_of
from telcobill.documents.services.xml import ubl_of
from telcobill.formats import document_file_name
from telcobill.payments.services import ledger
from telcobill.usage.models import LineCounter
from telcobill.usage.services.advice import advice_of

from ..invoices.status import statuses
from .auth import PersonToken, allowed_space

router = Router(auth=PersonToken())


class CustomerOut(Schema):
    number: str
    name: str
    kind: str
    role: str


class MeOut(Schema):
    email: str | None
    mobile: str | None
    first_name: str
    last_name: str
    customers: list[CustomerOut]


@router.get("/me", response=MeOut, tags=["app: account"])
def me(request):
    """The signed-in person and the customers they may manage, with their role."""
    person = request.user
    return {"email": person.email, "mobile": person.mobile, "first_name": person.first_name,
            "last_name": person.last_name,
            "customers": [{"number": a.customer.number, "name": a.customer.name, "kind": a.customer.kind,
                           "role": a.role} for a in person.accesses.select_related("customer")]}


class InvoiceOut(Schema):
    number: str
    kind: str
    issue_date: date
    due_date: date | None
    period_start: date | None
    period_end: date | None
    total_net: Decimal
    total_vat: Decimal
    total_gross: Decimal
    status: str  # paid, credited, due, debit_planned, debit_sent, late, rejected, credit_note
    status_label: str
    left_to_pay: Decimal


def _invoice_out(invoice, status) -> dict:
    return {"number": invoice.number, "kind": invoice.kind, "issue_date": invoice.issue_date,
            "due_date": invoice.due_date, "period_start": invoice.period_start, "period_end": invoice.period_end,
            "total_net": invoice.total_net, "total_vat": invoice.total_vat, "total_gross": invoice.total_gross,
            "status": status.code, "status_label": status.label, "left_to_pay": max(status.left, Decimal("0.00"))}


@router.get("/invoices", response=list[InvoiceOut], tags=["app: invoices"])
def invoices(request, year: int | None = None, month: int | None = None):
    """Invoices and credit notes of the visible period (24 months for individuals, 6 years for
    businesses), newest first; a year, or a month of a year."""
    found = allowed_space(request, "see_invoices")
    documents = found.invoices().order_by("-issue_date", "-number")
    if year:
        documents = documents.filter(issue_date__year=year)
        if month:
            documents = documents.filter(issue_date__month=month)
    documents = list(documents[:500])
    marks = statuses(documents, timezone.localdate())
    return [_invoice_out(d, marks[d.pk]) for d in documents]


class LineItemOut(Schema):
    description: str
    msisdn: str
    net_amount: Decimal
    vat_rate: Decimal
    vat_category: str


class LifecycleEventOut(Schema):
    status: str  # XP Z12-012 lifecycle code, "200".."213"
    label: str
    at: datetime
    reason: str
    amount: Decimal | None  # 212 Encaissée: the amount collected


class EInvoiceOut(Schema):
    platform: str
    syntax: str
    state: str
    events: list[LifecycleEventOut]


class InvoiceDetailOut(InvoiceOut):
    lines: list[LineItemOut]
    corrects: str | None
    einvoice: EInvoiceOut | None  # business documents delivered through a plateforme agréée


@router.get("/invoices/{number}", response=InvoiceDetailOut, tags=["app: invoices"])
def invoice(request, number: str):
    found = allowed_space(request, "see_invoices")
    document = found.invoice(number)
    status = statuses([document], timezone.localdate())[document.pk]
    delivery = einvoice_of(document)
    einvoice = delivery and {
        "platform": delivery.platform.name, "syntax": delivery.syntax, "state": delivery.state,
        "events": [{"status": e.status, "label": e.get_status_display(), "at": e.at, "reason": e.reason,
                    "amount": e.amount}
                   for e in delivery.events.all()]}
    return {**_invoice_out(document, status), "corrects": document.corrects.number if document.corrects_id else None,
            "einvoice": einvoice,
            "lines": [{"description": ln.description, "msisdn": ln.msisdn, "net_amount": ln.net_amount,
                       "vat_rate": ln.vat_rate, "vat_category": ln.vat_category}
                      for ln in document.lines.order_by("position")]}


@router.get("/invoices/{number}/pdf", tags=["app: invoices"], response={200: None})
def invoice_pdf(request, number: str):
    """The Factur-X PDF."""
    found = allowed_space(request, "see_invoices")
    document = found.invoice(number)
    return HttpResponse(pdf_of(document.number), content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{document_file_name(document, "pdf")}"'})


@router.get("/invoices/{number}/ubl", tags=["app: invoices"], response={200: None})
def invoice_ubl(request, number: str):
    """The UBL 2.1 XML (EN 16931), built from the stored document."""
    found = allowed_space(request, "see_invoices")
    document = found.invoice(number)
    return HttpResponse(ubl_of(document.number), content_type="application/xml")


@router.get("/invoices/{number}/xml", tags=["app: invoices"], response={200: None})
def invoice_xml(request, number: str):
    """The CII XML."""
    found = allowed_space(request, "see_invoices")
    document = found.invoice(number)
    file = DocumentFile.objects.filter(invoice=document).first()
    if file is None:
        raise Http404("the XML is being prepared")
    return HttpResponse(bytes(file.xml), content_type="application/xml")


class BalanceOut(Schema):
    owed: Decimal
    credit: Decimal
    balance: Decimal


@router.get("/balance", response=BalanceOut, tags=["app: payments"])
def balance(request):
    """What is owed (open invoices) and the credit not used yet, over the customer's accounts."""
    found = allowed_space(request, "pay")
    total = ledger.balance(*found.accounts())
    return {"owed": total.owed, "credit": total.credit, "balance": total.balance}


class CounterOut(Schema):
    bucket: str  # voice (seconds), sms, mms (messages), data, data_eu (bytes), roaming_spend
    used: int
    included: int | None  # None: unlimited
    out_of_plan_excl_vat: Decimal
    refreshed_at: str


class LineOut(Schema):
    id: int
    msisdn: str
    label: str
    status: str
    commitment_end: date | None


@router.get("/lines", response=list[LineOut], tags=["app: lines"])
def lines(request):
    """The lines the caller may see (a line user: theirs)."""
    found = allowed_space(request)
    return [{"id": ln.pk, "msisdn": ln.msisdn, "label": ln.label, "status": ln.status,
             "commitment_end": ln.commitment_end} for ln in found.lines().order_by("msisdn")]


@router.get("/lines/{line_id}/usage", response=list[CounterOut], tags=["app: usage"])
def line_usage(request, line_id: int):
    """This month's counters of a line against its allowances."""
    found = allowed_space(request)
    line = found.line(line_id)
    month = timezone.localdate().replace(day=1)
    return [{"bucket": c.bucket, "used": c.used, "included": c.included,
             "out_of_plan_excl_vat": c.out_of_plan.quantize(Decimal("0.01")),
             "refreshed_at": c.refreshed_at.isoformat()}
            for c in LineCounter.objects.filter(line=line, month=month).order_by("bucket")]



class AdviceOfferOut(Schema):
    plan: str
    options: list[str]
    name: str
    commitment_months: int
    current: bool
    total: Decimal
    per_month: Decimal
    saving: Decimal  # against the current offer over the months compared; negative: dearer


class AdviceOut(Schema):
    months: list[date]
    includes_vat: bool  # amounts incl. VAT (individuals) or excl. VAT (businesses)
    computed_at: str
    worth_it: bool  # the cheapest offer saves at least the operator's threshold a month
    saving: Decimal
    monthly_saving: Decimal
    offers: list[AdviceOfferOut]  # cheapest first; the current offer among them


@router.get("/lines/{line_id}/advice", response=AdviceOut, tags=["app: lines"])
def line_advice(request, line_id: int):
    """The line's plan advice: its real usage of its last complete months re-rated with each offer
    on sale (computed after each bill run). 404 until the line has enough complete months."""
    found = allowed_space(request, "see_lines")
    advice = advice_of(found.line(line_id), language=get_language() or "fr")
    if advice is None:
        raise HttpError(404, f"no plan advice for this line yet: it needs {settings.USAGE['advice_min_months']} "
                             "complete months of billed usage")
    return {"months": list(advice.months), "includes_vat": advice.includes_vat,
            "computed_at": advice.computed_at.isoformat(), "worth_it": advice.worth_it, "saving": advice.saving,
            "monthly_saving": advice.monthly_saving,
            "offers": [{"plan": o.plan, "options": list(o.options), "name": o.name,
                        "commitment_months": o.commitment_months, "current": o.current, "total": o.total,
                        "per_month": o.per_month, "saving": o.saving} for o in advice.offers]}
