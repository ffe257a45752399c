"""OASIS UBL 2.1 Invoice / CreditNote following the EN 16931 UBL binding (BT-24 `urn:cen.eu:en16931:2017`).

`build_ubl(doc)` carries exactly what `cii.build_cii(doc)` carries, business term for business
term, with the same rules: amounts are written as the `Document` holds them or refused
(`ValueError`), never rounded; a credit note (381) carries positive amounts; the same `Document`
always gives the same bytes. The value formatters and the labels are cii.py's own, so both
syntaxes print every number and every line note identically.

Where UBL differs from CII (docs/einvoicing-mapping.md, "UBL"):

- BT-46: UBL allows one buyer identifier with a scheme (UBL-SR-16, BR-FR-CO-10). It holds the
  SIRET (0009); the billing account number goes to BT-10 (`cbc:BuyerReference`), the
  reference the buyer quotes back and the one field EN 16931 offers for it at document level.
- BT-21/22 notes are one `cbc:Note` each, written `#PMT#text` (the subject code between hashes
  is what the BR-FR UBL rules look for).
- BT-8 is document level (`cac:InvoicePeriod/cbc:DescriptionCode`, UNTDID 2005: 3 invoice date,
  432 paid to date) where CII repeats it in each VAT breakdown.
- BT-90 (ICS) is a seller `cac:PartyIdentification` with scheme `SEPA`; BT-9 of a credit note
  is `cac:PaymentMeans/cbc:PaymentDueDate` (a UBL CreditNote has no `cbc:DueDate`).
- No delivery element: CII's mandatory empty `ApplicableHeaderTradeDelivery` has no UBL twin.
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from telcobill.documents.cii import (
    GUIDELINE_EN16931,
    MSISDN_SCHEME,
    SECTION_LABELS,
    billing_framework,
)
from telcobill.documents.cii import _amount as amount_text
from telcobill.documents.cii import _decimal as decimal_text
from telcobill.documents.cii import _quantity as quantity_text
from telcobill.documents.data import Document, DocumentLine, Party

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NAMESPACES = {"cac": CAC, "cbc": CBC}

# BT-8, UNTDID 2005 as restricted by EN 16931 (BR-CL-06): CII's 5 / 72 (UNTDID 2475) become 3 / 432.
VAT_ON_DEBITS_CODE, VAT_ON_PAYMENT_CODE = "3", "432"
SEPA_CREDITOR_SCHEME = "SEPA"  # BT-90 in the seller's PartyIdentification (EN 16931 UBL binding)
INVOICED_OBJECT = "130"  # UNTDID 1001 "Invoicing data sheet": BT-128 line object identifier


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NAMESPACES[prefix]}}}{name}", **attrs)
    if text is not None:
        element.text = text
    return element


def _money(parent, tag: str, value, what: str, currency: str) -> None:
    _el(parent, tag, amount_text(value, what), currencyID=currency)  # UBL: every amount says its currency


def _date(value: date) -> str:
    return value.isoformat()


def _party(parent, tag: str, party: Party, *, doc: Document, is_seller: bool) -> None:
    node = _el(_el(parent, tag), "cac:Party")
    scheme, endpoint = party.electronic_address_scheme, party.electronic_address
    if not endpoint and party.email:  # as in CII: the e-mail (EAS "EM") rather than nothing
        scheme, endpoint = "EM", party.email
    if endpoint:  # BT-34 / BT-49
        _el(node, "cbc:EndpointID", endpoint, schemeID=scheme)
    if party.siret:  # BT-29 / BT-46 (SIRET); the billing account is BT-10, see the module docstring
        _el(_el(node, "cac:PartyIdentification"), "cbc:ID", party.siret, schemeID="0009")
    payment = doc.payment
    if is_seller and payment.means_code == "59" and payment.creditor_identifier:  # BT-90 (ICS)
        identification = _el(node, "cac:PartyIdentification")
        _el(identification, "cbc:ID", payment.creditor_identifier, schemeID=SEPA_CREDITOR_SCHEME)
    address = _el(node, "cac:PostalAddress")  # BG-5 / BG-8
    _el(address, "cbc:StreetName", party.address.line1)  # BT-35 / BT-50
    if party.address.line2:
        _el(address, "cbc:AdditionalStreetName", party.address.line2)  # BT-36 / BT-51
    _el(address, "cbc:CityName", party.address.city)  # BT-37 / BT-52
    _el(address, "cbc:PostalZone", party.address.postcode)  # BT-38 / BT-53
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", party.address.country_code)  # BT-40 / BT-55
    if party.vat_number:  # BT-31 / BT-48
        tax_scheme = _el(node, "cac:PartyTaxScheme")
        _el(tax_scheme, "cbc:CompanyID", party.vat_number)
        _el(_el(tax_scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _el(node, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", party.name)  # BT-27 / BT-44
    if party.siren:
        _el(legal, "cbc:CompanyID", party.siren, schemeID="0002")  # BT-30 / BT-47 (SIREN)
    if is_seller and (party.share_capital or party.rcs):
        # BT-33: legal form, share capital and RCS registration (Code de commerce R123-237)
        labels = SECTION_LABELS[doc.language]
        mentions = []
        if party.share_capital:
            mentions.append(labels["capital"].format(form=party.legal_form, capital=party.share_capital).strip())
        if party.rcs:
            mentions.append(party.rcs)
        _el(legal, "cbc:CompanyLegalForm", " — ".join(mentions))
    if is_seller and (party.phone or party.email):  # BG-6 seller contact
        contact = _el(node, "cac:Contact")
        if party.phone:
            _el(contact, "cbc:Telephone", party.phone)  # BT-42
        if party.email:
            _el(contact, "cbc:ElectronicMail", party.email)  # BT-43


def _payment(root, doc: Document, *, credit_note: bool) -> None:
    payment = doc.payment
    means = _el(root, "cac:PaymentMeans")  # BG-16
    _el(means, "cbc:PaymentMeansCode", payment.means_code)  # BT-81
    if credit_note and payment.due_date:
        _el(means, "cbc:PaymentDueDate", _date(payment.due_date))  # BT-9 of a credit note
    if payment.remittance_reference:
        _el(means, "cbc:PaymentID", payment.remittance_reference)  # BT-83
    if payment.payee_bic and not payment.payee_iban:
        raise ValueError("a payee BIC (BT-86) without an account (BT-84) has no place in UBL")
    if payment.payee_iban:
        account = _el(means, "cac:PayeeFinancialAccount")
        _el(account, "cbc:ID", payment.payee_iban)  # BT-84
        if payment.payee_bic:
            _el(_el(account, "cac:FinancialInstitutionBranch"), "cbc:ID", payment.payee_bic)  # BT-86
    direct_debit = payment.means_code == "59"
    if direct_debit and (payment.mandate_reference or payment.debtor_iban):  # BG-19
        mandate = _el(means, "cac:PaymentMandate")
        if payment.mandate_reference:
            _el(mandate, "cbc:ID", payment.mandate_reference)  # BT-89 (UMR)
        if payment.debtor_iban:
            _el(_el(mandate, "cac:PayerFinancialAccount"), "cbc:ID", payment.debtor_iban)  # BT-91
    if payment.terms:
        _el(_el(root, "cac:PaymentTerms"), "cbc:Note", payment.terms)  # BT-20


def _tax_category(parent, tag: str, category: str, rate) -> etree._Element:
    node = _el(parent, tag)
    _el(node, "cbc:ID", category)  # BT-118 / BT-151
    if category != "O":  # BR-O-05 / BR-O-10: no rate for "not subject to VAT"
        _el(node, "cbc:Percent", amount_text(rate, "VAT rate"))  # BT-119 / BT-152
    return node


def _taxes_and_totals(root, doc: Document) -> None:
    currency = doc.currency
    tax_total = _el(root, "cac:TaxTotal")
    _money(tax_total, "cbc:TaxAmount", doc.total_vat, "total VAT", currency)  # BT-110
    for vat in doc.vat_totals:  # BG-23
        subtotal = _el(tax_total, "cac:TaxSubtotal")
        _money(subtotal, "cbc:TaxableAmount", vat.base, "VAT base", currency)  # BT-116
        _money(subtotal, "cbc:TaxAmount", vat.amount, "VAT amount", currency)  # BT-117
        category = _tax_category(subtotal, "cac:TaxCategory", vat.category, vat.rate)
        if vat.exemption_code:
            _el(category, "cbc:TaxExemptionReasonCode", vat.exemption_code)  # BT-121
        if vat.exemption_reason:
            _el(category, "cbc:TaxExemptionReason", vat.exemption_reason)  # BT-120
        _el(_el(category, "cac:TaxScheme"), "cbc:ID", "VAT")

    totals = _el(root, "cac:LegalMonetaryTotal")  # BG-22
    _money(totals, "cbc:LineExtensionAmount", doc.total_net, "total net", currency)  # BT-106: no document-
    _money(totals, "cbc:TaxExclusiveAmount", doc.total_net, "total net", currency)  # BT-109  level allowances
    _money(totals, "cbc:TaxInclusiveAmount", doc.total_gross, "total gross", currency)  # BT-112
    _money(totals, "cbc:PrepaidAmount", doc.prepaid, "prepaid", currency)  # BT-113
    _money(totals, "cbc:PayableAmount", doc.amount_due, "amount due", currency)  # BT-115


def _line(root, line: DocumentLine, doc: Document, *, credit_note: bool) -> None:
    labels = SECTION_LABELS[doc.language]
    node = _el(root, "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine")
    _el(node, "cbc:ID", str(line.number))  # BT-126
    note = labels.get(line.section, line.section)
    if line.msisdn:
        note = f"{note} — {labels['line']} {line.msisdn}"
    _el(node, "cbc:Note", note)  # BT-127
    quantity = "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity"
    _el(node, quantity, quantity_text(line.quantity), unitCode=line.unit_code)  # BT-129 / BT-130
    _money(node, "cbc:LineExtensionAmount", line.net_amount, "line net", doc.currency)  # BT-131
    if line.period_start or line.period_end:  # BG-26, the date of supply of the line
        period = _el(node, "cac:InvoicePeriod")
        if line.period_start:
            _el(period, "cbc:StartDate", _date(line.period_start))  # BT-134
        if line.period_end:
            _el(period, "cbc:EndDate", _date(line.period_end))  # BT-135
    if line.msisdn:  # BT-128, the invoiced object: the mobile line
        reference = _el(node, "cac:DocumentReference")
        _el(reference, "cbc:ID", line.msisdn, schemeID=MSISDN_SCHEME)
        _el(reference, "cbc:DocumentTypeCode", INVOICED_OBJECT)

    item = _el(node, "cac:Item")
    _el(item, "cbc:Name", line.description)  # BT-153
    if line.product_code:
        _el(_el(item, "cac:SellersItemIdentification"), "cbc:ID", line.product_code)  # BT-155
    category = _tax_category(item, "cac:ClassifiedTaxCategory", line.vat_category, line.vat_rate)  # BT-151/152
    _el(_el(category, "cac:TaxScheme"), "cbc:ID", "VAT")
    # BG-32 item attributes: the machine-readable telecom section and MSISDN
    attributes = [("section", line.section)] + ([("msisdn", line.msisdn)] if line.msisdn else [])
    for name, value in attributes:
        attribute = _el(item, "cac:AdditionalItemProperty")
        _el(attribute, "cbc:Name", name)  # BT-160
        _el(attribute, "cbc:Value", value)  # BT-161

    price = _el(node, "cac:Price")
    _el(price, "cbc:PriceAmount", decimal_text(line.unit_price, 6, "unit price"), currencyID=doc.currency)  # BT-146


def build_ubl(doc: Document) -> bytes:
    """Return the UBL 2.1 Invoice (380) or CreditNote (381) of `doc` as UTF-8 bytes with an XML
    declaration, carrying the same business terms as `build_cii(doc)`.

    Credit notes carry positive amounts, as EN 16931 wants; a credit note whose totals are
    negative is refused rather than emitted with the sign convention reversed.
    """
    if doc.kind == "credit_note" and (doc.total_net < 0 or doc.total_gross < 0):
        raise ValueError("a credit note carries positive amounts (type code 381 says it is a credit)")
    credit_note = doc.kind == "credit_note"
    document_ns = CREDIT_NOTE_NS if credit_note else INVOICE_NS
    root = etree.Element(f"{{{document_ns}}}{'CreditNote' if credit_note else 'Invoice'}",
                         nsmap={None: document_ns, **NAMESPACES})

    _el(root, "cbc:CustomizationID", GUIDELINE_EN16931)  # BT-24
    _el(root, "cbc:ProfileID", billing_framework(doc))  # BT-23
    _el(root, "cbc:ID", doc.number)  # BT-1
    _el(root, "cbc:IssueDate", _date(doc.issue_date))  # BT-2
    if not credit_note and doc.payment.due_date:
        _el(root, "cbc:DueDate", _date(doc.payment.due_date))  # BT-9
    _el(root, "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode", doc.type_code)  # BT-3
    for subject_code, content in doc.notes:  # BG-1: BT-21 subject code and BT-22 text, "#PMT#..."
        _el(root, "cbc:Note", f"#{subject_code}#{content}" if subject_code else content)
    if doc.reason:
        _el(root, "cbc:Note", f"#ACD#{doc.reason}")  # UNTDID 4451 ACD "Reason": why the credit note
    _el(root, "cbc:DocumentCurrencyCode", doc.currency)  # BT-5
    if doc.account_number:
        _el(root, "cbc:BuyerReference", doc.account_number)  # BT-10: the billing account (CII: BT-46)

    # BT-8 goes with the VAT of the categories that have a rate, as CII writes it per breakdown.
    vat_point = any(vat.category != "O" for vat in doc.vat_totals)
    if doc.period_start or doc.period_end or vat_point:  # BG-14
        period = _el(root, "cac:InvoicePeriod")
        if doc.period_start:
            _el(period, "cbc:StartDate", _date(doc.period_start))  # BT-73
        if doc.period_end:
            _el(period, "cbc:EndDate", _date(doc.period_end))  # BT-74
        if vat_point:  # BT-8: VAT on services is due on payment, unless the operator opted for debits
            _el(period, "cbc:DescriptionCode", VAT_ON_DEBITS_CODE if doc.vat_on_debits else VAT_ON_PAYMENT_CODE)

    if doc.corrected_number:  # BG-3: the invoice a credit note corrects (BR-FR-CO-05)
        preceding = _el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _el(preceding, "cbc:ID", doc.corrected_number)  # BT-25
        if doc.corrected_issue_date:
            _el(preceding, "cbc:IssueDate", _date(doc.corrected_issue_date))  # BT-26

    _party(root, "cac:AccountingSupplierParty", doc.seller, doc=doc, is_seller=True)
    _party(root, "cac:AccountingCustomerParty", doc.buyer, doc=doc, is_seller=False)
    _payment(root, doc, credit_note=credit_note)
    _taxes_and_totals(root, doc)
    for line in doc.lines:
        _line(root, line, doc, credit_note=credit_note)

    # Written by hand so the declaration has the usual double quotes (lxml emits single ones).
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
