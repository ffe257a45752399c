"""The stored invoice as a `Document`: what the XML and the PDF are built from.

Everything comes from the invoice row and its lines as stored (amounts, parties, notes,
payment frozen when computed); only the VAT breakdown is summed from the stored lines.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from telcobill.billing.models import DocumentKind, Invoice, InvoiceLine
from telcobill.billing.totals import compute_totals

from .data import Address, Document, DocumentLine, Party, Payment, VatTotal

EXEMPTION_CODES = {"O": "VATEX-EU-O", "AE": "VATEX-EU-AE", "E": "VATEX-EU-79-C", "K": "VATEX-EU-IC",
                   "G": "VATEX-EU-G"}
TERMS = {
    "fr": {"59": "Prélèvement SEPA le {d} sur le compte se terminant par {last4}",
           "58": "Paiement par virement au plus tard le {d}, référence {ref}",
           "48": "Paiement par carte bancaire au plus tard le {d}",
           "97": "Montant déduit de votre prochaine facture"},
    "en": {"59": "SEPA direct debit on {d} from the account ending in {last4}",
           "58": "Pay by bank transfer by {d}, reference {ref}",
           "48": "Pay by card by {d}",
           "97": "Amount deducted from your next invoice"},
}


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def _party(data: dict) -> Party:
    addr = data.get("address", {})
    address = Address(addr.get("line1", ""), addr.get("postcode", ""), addr.get("city", ""),
                      addr.get("country_code", "FR"), addr.get("line2", ""))
    return Party(
        name=data.get("name", ""), address=address,
        siren=data.get("siren", ""), siret=data.get("siret", ""), vat_number=data.get("vat_number", ""),
        legal_form=data.get("legal_form", ""), share_capital=data.get("share_capital", ""), rcs=data.get("rcs", ""),
        email=data.get("email", ""), phone=data.get("phone", ""),
        electronic_address_scheme=data.get("electronic_address_scheme", ""),
        electronic_address=data.get("electronic_address", ""),
    )


def _payment(invoice: Invoice, number: str) -> Payment:
    data = invoice.payment
    code = data.get("means_code", "58")
    due = _date(data.get("due_date")) or invoice.due_date
    words = TERMS.get(invoice.language, TERMS["fr"])
    shown = due.strftime("%d/%m/%Y") if due and invoice.language == "fr" else (due.isoformat() if due else "")
    iban = data.get("debtor_iban", "")
    # A transfer quotes the document's number (BT-83).
    reference = number if code in {"58", "30"} else ""
    terms = words.get(code, "").format(d=shown, last4=iban[-4:], ref=reference)
    return Payment(
        means_code=code, due_date=due, terms=terms, remittance_reference=reference,
        mandate_reference=data.get("mandate_reference", ""), creditor_identifier=data.get("creditor_identifier", ""),
        debtor_iban=iban, collection_date=_date(data.get("collection_date")),
        payee_iban=data.get("payee_iban", ""), payee_bic=data.get("payee_bic", ""),
    )


def _plain(quantity: Decimal) -> Decimal:
    """15.0000 -> 15 and 2.5000 -> 2.5 (never an exponent)."""
    if quantity == quantity.to_integral_value():
        return quantity.quantize(Decimal(1))
    return quantity.normalize()


def _line(line: InvoiceLine, number: int) -> DocumentLine:
    return DocumentLine(
        number=number, section=line.section, description=line.description, quantity=_plain(line.quantity),
        unit_code=line.unit_code, unit_price=line.unit_price, net_amount=line.net_amount,
        vat_category=line.vat_category, vat_rate=line.vat_rate, msisdn=line.msisdn,
        period_start=line.period_start, period_end=line.period_end, product_code=line.product_code,
        unit_price_incl_vat=line.unit_price_incl_vat,
    )


def document_of(invoice: Invoice, *, number: str | None = None, issue_date: date | None = None) -> Document:
    """The document as stored. A draft may be given a provisional number and date to validate it."""
    number = number or invoice.number
    issue_date = issue_date or invoice.issue_date
    lines = sorted(invoice.lines.all(), key=lambda ln: ln.position)  # uses a prefetch when there is one
    totals = compute_totals(lines)
    vat_totals = tuple(VatTotal(v.category, v.rate, v.base, v.amount, v.exemption_reason,
                                EXEMPTION_CODES.get(v.category, "") if v.category != "S" else "")
                       for v in totals.vat_lines)
    seller = invoice.seller
    corrected = invoice.corrects
    return Document(
        kind=invoice.kind, type_code="381" if invoice.kind == DocumentKind.CREDIT_NOTE else "380",
        number=number, issue_date=issue_date, currency=invoice.currency, language=invoice.language,
        seller=_party(seller), buyer=_party(invoice.buyer), buyer_is_business=bool(invoice.buyer.get("is_business")),
        account_number=invoice.buyer.get("account_number", ""), period_start=invoice.period_start,
        period_end=invoice.period_end, lines=tuple(_line(ln, i) for i, ln in enumerate(lines, start=1)),
        vat_totals=vat_totals, total_net=invoice.total_net, total_vat=invoice.total_vat,
        total_gross=invoice.total_gross, prepaid=Decimal("0.00"), amount_due=invoice.total_gross,
        payment=_payment(invoice, number),
        corrected_number=corrected.number if corrected else "",
        corrected_issue_date=corrected.issue_date if corrected else None,
        reason=invoice.reason, notes=tuple((code, text) for code, text in invoice.notes),
        vat_on_debits=bool(seller.get("vat_on_debits")), support_phone=seller.get("support_phone", ""),
        support_phone_business=seller.get("support_phone_business", ""), support_url=seller.get("support_url", ""),
    )
