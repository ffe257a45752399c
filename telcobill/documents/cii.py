"""UN/CEFACT Cross Industry Invoice (CII D16B) for the Factur-X EN 16931 profile.

`build_cii(doc)` writes what the `Document` holds; it never recomputes or rounds an amount
(an amount that does not fit its format raises `ValueError`), so the XML always says what
the stored invoice says. The same `Document` always gives the same bytes.

The business-term mapping, and how telecom sections and MSISDNs travel in a standard that
has neither, is documented in docs/einvoicing-mapping.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from telcobill.documents.data import Document, DocumentLine, Party

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT}

GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"  # BT-24, Factur-X profile EN 16931
MSISDN_SCHEME = "AWV"  # BT-128-1, UNTDID 1153 "Phone number"
VAT_ON_DEBITS_CODE, VAT_ON_PAYMENT_CODE = "5", "72"  # BT-8, UNTDID 2005: invoice date / paid to date

SECTION_LABELS = {
    "fr": {
        "plan_options": "Forfaits et options",
        "communications": "Communications",
        "one_off": "Produits et frais ponctuels",
        "third_party": "Services de tiers",
        "adjustments": "Régularisations",
        "penalties": "Pénalités et indemnités",
        "line": "ligne",
        "capital": "{form} au capital de {capital}",
    },
    "en": {
        "plan_options": "Plan and options",
        "communications": "Communications",
        "one_off": "One-off products and fees",
        "third_party": "Third-party services",
        "adjustments": "Adjustments",
        "penalties": "Penalties and indemnities",
        "line": "line",
        "capital": "{form} with a share capital of {capital}",
    },
}


# --- value formatting: exact or refuse -----------------------------------------------------

def _decimal(value: Decimal, max_places: int, what: str) -> str:
    """Plain decimal text with at most `max_places` decimals; refuses to round."""
    value = Decimal(value)
    exact = value.quantize(Decimal(1).scaleb(-max_places))
    if exact != value:
        raise ValueError(f"{what} {value} has more than {max_places} decimals")
    # "0.833000" is written as given; trailing zeros beyond `max_places` are dropped
    return format(exact if value.as_tuple().exponent < -max_places else value, "f")


def _amount(value: Decimal, what: str = "amount") -> str:
    """Monetary amount with exactly two decimals (BR-DEC-*, BR-FR-DEC-01)."""
    _decimal(value, 2, what)
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def _quantity(value: Decimal) -> str:
    """Quantity, at most 4 decimals (BR-FR-DEC-02); "1" rather than "1.0000"."""
    text = _decimal(value, 4, "quantity")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


# --- element helpers -----------------------------------------------------------------------

def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", **attrs)
    if text is not None:
        element.text = text
    return element


def _date_el(parent, tag: str, value: date, ns: str = "udt") -> None:
    _el(_el(parent, tag), f"{ns}:DateTimeString", _date(value), format="102")


def _note(parent, content: str, subject_code: str = "") -> None:
    note = _el(parent, "ram:IncludedNote")
    _el(note, "ram:Content", content)
    if subject_code:
        _el(note, "ram:SubjectCode", subject_code)


# --- building blocks -----------------------------------------------------------------------

def billing_framework(doc: Document) -> str:
    """BT-23 "cadre de facturation" (BR-FR-08): S = services, B = goods, M = mixed; 1 = to be
    paid, 2 = already paid."""
    letter = {"services": "S", "goods": "B", "mixed": "M"}[doc.operation_category]
    already_paid = doc.prepaid > 0 and doc.amount_due == 0
    return f"{letter}{2 if already_paid else 1}"


def _party(parent, tag: str, party: Party, *, doc: Document, is_seller: bool) -> None:
    labels = SECTION_LABELS[doc.language]
    node = _el(parent, tag)
    if not is_seller and doc.account_number:
        _el(node, "ram:ID", doc.account_number)  # BT-46, the billing account
    if party.siret:
        _el(node, "ram:GlobalID", party.siret, schemeID="0009")  # BT-29 / BT-46 (SIRET)
    _el(node, "ram:Name", party.name)  # BT-27 / BT-44
    if is_seller and (party.share_capital or party.rcs):
        # BT-33: legal form, share capital and RCS registration (Code de commerce R123-237)
        mentions = []
        if party.share_capital:
            capital = labels["capital"].format(form=party.legal_form, capital=party.share_capital)
            mentions.append(capital.strip())
        if party.rcs:
            mentions.append(party.rcs)
        _el(node, "ram:Description", " — ".join(mentions))
    if party.siren:
        legal = _el(node, "ram:SpecifiedLegalOrganization")
        _el(legal, "ram:ID", party.siren, schemeID="0002")  # BT-30 / BT-47 (SIREN)
    if is_seller and (party.phone or party.email):  # BG-6 seller contact
        contact = _el(node, "ram:DefinedTradeContact")
        if party.phone:
            _el(_el(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", party.phone)
        if party.email:
            _el(_el(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", party.email)
    address = _el(node, "ram:PostalTradeAddress")  # BG-5 / BG-8
    _el(address, "ram:PostcodeCode", party.address.postcode)
    _el(address, "ram:LineOne", party.address.line1)
    if party.address.line2:
        _el(address, "ram:LineTwo", party.address.line2)
    _el(address, "ram:CityName", party.address.city)
    _el(address, "ram:CountryID", party.address.country_code)
    scheme, endpoint = party.electronic_address_scheme, party.electronic_address
    if not endpoint and party.email:  # fall back on the e-mail (EAS "EM") rather than nothing
        scheme, endpoint = "EM", party.email
    if endpoint:  # BT-34 / BT-49
        _el(_el(node, "ram:URIUniversalCommunication"), "ram:URIID", endpoint, schemeID=scheme)
    if party.vat_number:  # BT-31 / BT-48
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_number, schemeID="VA")


def _line(parent, line: DocumentLine, doc: Document) -> None:
    labels = SECTION_LABELS[doc.language]
    item = _el(parent, "ram:IncludedSupplyChainTradeLineItem")

    document = _el(item, "ram:AssociatedDocumentLineDocument")
    _el(document, "ram:LineID", str(line.number))  # BT-126
    note = labels.get(line.section, line.section)
    if line.msisdn:
        note = f"{note} — {labels['line']} {line.msisdn}"
    _el(_el(document, "ram:IncludedNote"), "ram:Content", note)  # BT-127

    product = _el(item, "ram:SpecifiedTradeProduct")
    if line.product_code:
        _el(product, "ram:SellerAssignedID", line.product_code)  # BT-155
    _el(product, "ram:Name", line.description)  # BT-153
    # BG-32 item attributes: the machine-readable telecom section and MSISDN
    attributes = [("section", line.section)] + ([("msisdn", line.msisdn)] if line.msisdn else [])
    for name, value in attributes:
        characteristic = _el(product, "ram:ApplicableProductCharacteristic")
        _el(characteristic, "ram:Description", name)  # BT-160
        _el(characteristic, "ram:Value", value)  # BT-161

    agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
    price = _el(agreement, "ram:NetPriceProductTradePrice")
    _el(price, "ram:ChargeAmount", _decimal(line.unit_price, 6, "unit price"))  # BT-146

    delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
    _el(delivery, "ram:BilledQuantity", _quantity(line.quantity), unitCode=line.unit_code)  # BT-129/130

    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", line.vat_category)  # BT-151
    if line.vat_category != "O":  # BR-O-05: no rate for "not subject to VAT"
        _el(tax, "ram:RateApplicablePercent", _amount(line.vat_rate, "VAT rate"))  # BT-152
    if line.period_start or line.period_end:  # BG-26, the date of supply of the line
        period = _el(settlement, "ram:BillingSpecifiedPeriod")
        if line.period_start:
            _date_el(period, "ram:StartDateTime", line.period_start)  # BT-134
        if line.period_end:
            _date_el(period, "ram:EndDateTime", line.period_end)  # BT-135
    summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _el(summation, "ram:LineTotalAmount", _amount(line.net_amount, "line net"))  # BT-131
    if line.msisdn:  # BT-128, the invoiced object: the mobile line
        reference = _el(settlement, "ram:AdditionalReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", line.msisdn)
        _el(reference, "ram:TypeCode", "130")
        _el(reference, "ram:ReferenceTypeCode", MSISDN_SCHEME)


def _settlement(parent, doc: Document) -> None:
    payment = doc.payment
    settlement = _el(parent, "ram:ApplicableHeaderTradeSettlement")
    if payment.means_code == "59" and payment.creditor_identifier:
        _el(settlement, "ram:CreditorReferenceID", payment.creditor_identifier)  # BT-90 (ICS)
    if payment.remittance_reference:
        _el(settlement, "ram:PaymentReference", payment.remittance_reference)  # BT-83
    _el(settlement, "ram:InvoiceCurrencyCode", doc.currency)  # BT-5

    means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")  # BG-16
    _el(means, "ram:TypeCode", payment.means_code)  # BT-81
    if payment.means_code == "59" and payment.debtor_iban:
        _el(_el(means, "ram:PayerPartyDebtorFinancialAccount"), "ram:IBANID", payment.debtor_iban)  # BT-91
    if payment.payee_iban:
        _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", payment.payee_iban)  # BT-84
    if payment.payee_bic:  # BT-86
        _el(_el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", payment.payee_bic)

    for vat in doc.vat_totals:  # BG-23
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(vat.amount, "VAT amount"))  # BT-117
        _el(tax, "ram:TypeCode", "VAT")
        if vat.exemption_reason:
            _el(tax, "ram:ExemptionReason", vat.exemption_reason)  # BT-120
        _el(tax, "ram:BasisAmount", _amount(vat.base, "VAT base"))  # BT-116
        _el(tax, "ram:CategoryCode", vat.category)  # BT-118
        if vat.exemption_code:
            _el(tax, "ram:ExemptionReasonCode", vat.exemption_code)  # BT-121
        if vat.category != "O":
            # BT-8: VAT on services is due on payment, unless the operator opted for debits
            _el(tax, "ram:DueDateTypeCode", VAT_ON_DEBITS_CODE if doc.vat_on_debits else VAT_ON_PAYMENT_CODE)
            _el(tax, "ram:RateApplicablePercent", _amount(vat.rate, "VAT rate"))  # BT-119

    if doc.period_start or doc.period_end:  # BG-14
        period = _el(settlement, "ram:BillingSpecifiedPeriod")
        if doc.period_start:
            _date_el(period, "ram:StartDateTime", doc.period_start)  # BT-73
        if doc.period_end:
            _date_el(period, "ram:EndDateTime", doc.period_end)  # BT-74

    if payment.terms or payment.due_date or payment.mandate_reference:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if payment.terms:
            _el(terms, "ram:Description", payment.terms)  # BT-20
        if payment.due_date:
            _date_el(terms, "ram:DueDateDateTime", payment.due_date)  # BT-9
        if payment.means_code == "59" and payment.mandate_reference:
            _el(terms, "ram:DirectDebitMandateID", payment.mandate_reference)  # BT-89 (UMR)

    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")  # BG-22
    _el(totals, "ram:LineTotalAmount", _amount(doc.total_net, "total net"))  # BT-106: no document-level
    _el(totals, "ram:TaxBasisTotalAmount", _amount(doc.total_net, "total net"))  # BT-109  allowances
    _el(totals, "ram:TaxTotalAmount", _amount(doc.total_vat, "total VAT"), currencyID=doc.currency)  # BT-110
    _el(totals, "ram:GrandTotalAmount", _amount(doc.total_gross, "total gross"))  # BT-112
    _el(totals, "ram:TotalPrepaidAmount", _amount(doc.prepaid, "prepaid"))  # BT-113
    _el(totals, "ram:DuePayableAmount", _amount(doc.amount_due, "amount due"))  # BT-115

    if doc.corrected_number:  # BG-3: the invoice a credit note corrects (BR-FR-CO-05)
        preceding = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(preceding, "ram:IssuerAssignedID", doc.corrected_number)  # BT-25
        if doc.corrected_issue_date:
            _date_el(preceding, "ram:FormattedIssueDateTime", doc.corrected_issue_date, ns="qdt")  # BT-26


def build_cii(doc: Document) -> bytes:
    """Return the Factur-X EN 16931 CII XML of `doc` as UTF-8 bytes with an XML declaration.

    Credit notes (type 381) carry positive amounts, as EN 16931 wants; a credit note whose
    totals are negative is refused rather than emitted with the sign convention reversed.
    """
    if doc.kind == "credit_note" and (doc.total_net < 0 or doc.total_gross < 0):
        raise ValueError("a credit note carries positive amounts (type code 381 says it is a credit)")

    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    process = _el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter")
    _el(process, "ram:ID", billing_framework(doc))  # BT-23
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE_EN16931)  # BT-24

    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", doc.number)  # BT-1
    _el(header, "ram:TypeCode", doc.type_code)  # BT-3
    _date_el(header, "ram:IssueDateTime", doc.issue_date)  # BT-2
    for subject_code, content in doc.notes:  # BG-1: BT-21 subject code, BT-22 text
        _note(header, content, subject_code)
    if doc.reason:
        _note(header, doc.reason, "ACD")  # UNTDID 4451 ACD "Reason": why the credit note

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in doc.lines:
        _line(transaction, line, doc)
    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", doc.seller, doc=doc, is_seller=True)
    _party(agreement, "ram:BuyerTradeParty", doc.buyer, doc=doc, is_seller=False)
    _el(transaction, "ram:ApplicableHeaderTradeDelivery")  # mandatory, empty for services
    _settlement(transaction, doc)

    # Written by hand so the declaration has the usual double quotes (lxml emits single ones).
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
