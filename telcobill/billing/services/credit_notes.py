"""Credit notes: full, chosen lines, or an amount, always citing the corrected invoice."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.money import excl_vat, to_cents

from ..models import DocumentKind, Invoice, InvoiceLine, InvoiceStatus, Section
from ..totals import compute_totals
from ..validation import check_document


def find_issued_invoice(number: str) -> Invoice:
    invoice = Invoice.objects.filter(number=number, kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED).first()
    if invoice is None:
        raise NotFound(f"no issued invoice numbered {number}")
    return invoice


def credited_so_far(invoice: Invoice) -> Decimal:
    total = Invoice.objects.filter(corrects=invoice, kind=DocumentKind.CREDIT_NOTE).exclude(
        bill_run__isnull=False).aggregate(s=Sum("total_gross"))["s"]
    return total or Decimal("0.00")


def draft_credit_note(*, invoice: Invoice, reason: str, positions: list[int] | None = None,
                      amount_incl_vat: Decimal | None = None) -> Invoice:
    """A draft credit note for the whole invoice, for the lines at `positions`, or for an amount
    (VAT included, at the invoice's standard rate). Issue it with the issuing workflow."""
    if not reason.strip():
        raise Invalid("a credit note needs a reason: it is printed on it")
    if positions and amount_incl_vat is not None:
        raise Invalid("credit either chosen lines or an amount, not both")
    source_lines = list(invoice.lines.order_by("position"))
    if amount_incl_vat is not None:
        lines = [_amount_line(invoice, source_lines, Decimal(amount_incl_vat), reason)]
    else:
        chosen = source_lines if not positions else [ln for ln in source_lines if ln.position in set(positions)]
        missing = set(positions or ()) - {ln.position for ln in chosen}
        if missing:
            raise Invalid(f"invoice {invoice.number} has no line {', '.join(map(str, sorted(missing)))}")
        lines = [_copy(ln) for ln in chosen]
    totals = compute_totals(lines)
    if totals.gross <= 0:
        raise Invalid("a credit note must credit a positive amount")
    remaining = invoice.total_gross - credited_so_far(invoice)
    if totals.gross > remaining:
        raise NotAllowed(f"invoice {invoice.number} has {remaining} € left to credit; "
                         f"this credit note would credit {totals.gross} €", code="over_credit")
    with transaction.atomic():
        note = Invoice.objects.create(
            kind=DocumentKind.CREDIT_NOTE, status=InvoiceStatus.DRAFT, billing_account=invoice.billing_account,
            cycle="", period_start=invoice.period_start, period_end=invoice.period_end, language=invoice.language,
            total_net=totals.net, total_vat=totals.vat, total_gross=totals.gross, corrects=invoice, reason=reason,
            buyer=invoice.buyer, seller=invoice.seller, payment={**_refund_payment(invoice)}, notes=invoice.notes,
        )
        for position, line in enumerate(lines, start=1):
            line.invoice, line.position = note, position
        InvoiceLine.objects.bulk_create(lines)
        problems = check_document(note, lines)
        if problems:
            raise Invalid("; ".join(f"{rule}: {message}" for rule, message in problems))
    return note


def _copy(line: InvoiceLine) -> InvoiceLine:
    # kind "credit": a correction of amounts, not of service days, so the generator does not
    # bill the credited days again.
    return InvoiceLine(
        section=line.section, line_id=line.line_id, msisdn=line.msisdn, product_code=line.product_code,
        description=line.description, period_start=line.period_start, period_end=line.period_end,
        quantity=line.quantity, unit_code=line.unit_code, unit_price=line.unit_price,
        unit_price_incl_vat=line.unit_price_incl_vat, net_amount=line.net_amount, vat_category=line.vat_category,
        vat_rate=line.vat_rate, vat_exemption_reason=line.vat_exemption_reason, kind="credit")


def _amount_line(invoice: Invoice, lines: list[InvoiceLine], amount: Decimal, reason: str) -> InvoiceLine:
    standard = [ln for ln in lines if ln.vat_category == "S"]
    if not standard:
        raise Invalid(f"invoice {invoice.number} has no line with standard VAT to credit an amount against")
    rate = max(ln.vat_rate for ln in standard)
    net = to_cents(excl_vat(amount, rate))
    return InvoiceLine(section=Section.ADJUSTMENTS, description=f"Avoir partiel — {reason}",
                       quantity=Decimal(1), unit_code="C62", unit_price=net, unit_price_incl_vat=amount,
                       net_amount=net, vat_category="S", vat_rate=rate, kind="credit",
                       period_start=invoice.period_start, period_end=invoice.period_end)


def _refund_payment(invoice: Invoice) -> dict:
    """The credit is set against what the account owes (settled on account), UNTDID 4461 '97'."""
    return {"means_code": "97", "due_date": None}
