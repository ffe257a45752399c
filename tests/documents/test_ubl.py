"""The UBL 2.1 builder: valid for the UBL XSD, CEN EN 16931 UBL and BR-FR UBL; the same facts as the CII.

Plain functions, no database. The UBL schematrons are compiled once for the session
(get_validator caches per process and syntax); the pool test spawns one extra worker.
"""

import dataclasses
from decimal import Decimal

import pytest
from lxml import etree

from telcobill.documents.cii import build_cii
from telcobill.documents.sample import sample_document
from telcobill.documents.ubl import CAC, CBC, build_ubl
from telcobill.documents.validation import (
    UBL_RULESETS,
    UBL_XSD_PATHS,
    Failure,
    ValidationPool,
    fatal,
    get_validator,
    validate,
    validate_cii,
    validate_ubl,
)
from tests.documents.variants import VARIANTS, variant_id

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": CAC,
    "cbc": CBC,
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
SELLER = "/*/cac:AccountingSupplierParty/cac:Party"
BUYER = "/*/cac:AccountingCustomerParty/cac:Party"
MEANS = "/*/cac:PaymentMeans"
TOTALS = "/*/cac:LegalMonetaryTotal"
SUBTOTAL = "/*/cac:TaxTotal/cac:TaxSubtotal"
LINES = "/*/cac:InvoiceLine | /*/cac:CreditNoteLine"



def xpath(xml: bytes, path: str) -> list[str]:
    """Texts (or attribute values) matched by `path` in `xml`."""
    return [str(x) for x in etree.fromstring(xml).xpath(path, namespaces=NS)]


def fatal_ids(doc) -> set[str]:
    return {f.rule_id for f in fatal(validate_ubl(build_ubl(doc)))}


# --- validity ------------------------------------------------------------------------------

def test_ubl_rulesets_are_the_shipped_files():
    assert set(UBL_RULESETS) == {"en16931", "br-fr"}
    assert set(UBL_XSD_PATHS) == {"Invoice", "CreditNote"}
    assert all(path.is_file() for path in [*UBL_RULESETS.values(), *UBL_XSD_PATHS.values()])


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_every_variant_passes_the_ubl_xsd_cen_and_br_fr_without_a_single_failure(variant):
    xml = build_ubl(sample_document(**variant))
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert validate_ubl(xml) == []  # not even a warning


def test_build_is_deterministic():
    assert build_ubl(sample_document()) == build_ubl(sample_document())
    doc = sample_document(business=False, credit_note=True, language="en")
    assert build_ubl(doc) == build_ubl(dataclasses.replace(doc))


# --- values read back ----------------------------------------------------------------------

def test_invoice_header_and_totals_read_back():
    xml = build_ubl(sample_document())
    assert etree.QName(etree.fromstring(xml)).localname == "Invoice"
    assert xpath(xml, "/inv:Invoice/cbc:CustomizationID/text()") == ["urn:cen.eu:en16931:2017"]
    assert xpath(xml, "/inv:Invoice/cbc:ProfileID/text()") == ["S1"]
    assert xpath(xml, "/inv:Invoice/cbc:ID/text()") == ["F2026-000123"]
    assert xpath(xml, "/inv:Invoice/cbc:InvoiceTypeCode/text()") == ["380"]
    assert xpath(xml, "/inv:Invoice/cbc:IssueDate/text()") == ["2026-10-01"]
    assert xpath(xml, "/inv:Invoice/cbc:DueDate/text()") == ["2026-10-15"]
    assert xpath(xml, "/inv:Invoice/cbc:Note/text()")[0] == (
        "#PMT#Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €")
    codes = [note.split("#")[1] for note in xpath(xml, "/inv:Invoice/cbc:Note/text()")]
    assert codes == ["PMT", "PMD", "AAB", "TXD", "BAR"]
    assert xpath(xml, "/inv:Invoice/cbc:Note[starts-with(., '#BAR#')]/text()") == ["#BAR#B2B"]
    assert xpath(xml, "/inv:Invoice/cbc:DocumentCurrencyCode/text()") == ["EUR"]
    assert xpath(xml, "/inv:Invoice/cbc:BuyerReference/text()") == ["CF-0048213"]  # BT-10: the account
    assert xpath(xml, "/inv:Invoice/cac:InvoicePeriod/cbc:StartDate/text()") == ["2026-09-01"]
    assert xpath(xml, "/inv:Invoice/cac:InvoicePeriod/cbc:EndDate/text()") == ["2026-09-30"]
    assert xpath(xml, "/inv:Invoice/cac:InvoicePeriod/cbc:DescriptionCode/text()") == ["3"]  # BT-8 debits

    assert xpath(xml, f"{TOTALS}/cbc:LineExtensionAmount/text()") == ["94.43"]
    assert xpath(xml, f"{TOTALS}/cbc:TaxExclusiveAmount/text()") == ["94.43"]
    assert xpath(xml, "/*/cac:TaxTotal/cbc:TaxAmount/text()") == ["18.89"]
    assert xpath(xml, f"{TOTALS}/cbc:TaxInclusiveAmount/text()") == ["113.32"]
    assert xpath(xml, f"{TOTALS}/cbc:PrepaidAmount/text()") == ["0.00"]
    assert xpath(xml, f"{TOTALS}/cbc:PayableAmount/text()") == ["113.32"]
    assert set(xpath(xml, "//@currencyID")) == {"EUR"}
    assert xpath(xml, f"{SUBTOTAL}/cbc:TaxableAmount/text()") == ["94.43"]
    assert xpath(xml, f"{SUBTOTAL}/cbc:TaxAmount/text()") == ["18.89"]
    assert xpath(xml, f"{SUBTOTAL}/cac:TaxCategory/cbc:ID/text()") == ["S"]
    assert xpath(xml, f"{SUBTOTAL}/cac:TaxCategory/cbc:Percent/text()") == ["20.00"]


def test_parties_read_back():
    xml = build_ubl(sample_document())
    assert xpath(xml, f"{SELLER}/cac:PartyLegalEntity/cbc:RegistrationName/text()") == ["Telcobill Mobile SAS"]
    assert xpath(xml, f"{SELLER}/cac:PartyLegalEntity/cbc:CompanyID[@schemeID='0002']/text()") == ["732829320"]
    assert xpath(xml, f"{SELLER}/cac:PartyLegalEntity/cbc:CompanyLegalForm/text()") == [
        "SAS au capital de 1 250 000 € — RCS Paris 732 829 320"]
    assert xpath(xml, f"{SELLER}/cac:PartyIdentification/cbc:ID[@schemeID='0009']/text()") == ["73282932000017"]
    assert xpath(xml, f"{SELLER}/cac:PartyTaxScheme/cbc:CompanyID/text()") == ["FR44732829320"]
    assert xpath(xml, f"{SELLER}/cbc:EndpointID/@schemeID") == ["0225"]
    assert xpath(xml, f"{SELLER}/cac:Contact/cbc:Telephone/text()") == ["+33170000000"]

    assert xpath(xml, f"{BUYER}/cac:PartyLegalEntity/cbc:RegistrationName/text()") == ["Atelier Lumière SARL"]
    assert xpath(xml, f"{BUYER}/cac:PartyLegalEntity/cbc:CompanyID[@schemeID='0002']/text()") == ["812345676"]
    # One buyer identifier, with its scheme (UBL-SR-16, BR-FR-CO-10): the SIRET, not the account.
    assert xpath(xml, f"{BUYER}/cac:PartyIdentification/cbc:ID/text()") == ["81234567600025"]
    assert xpath(xml, f"{BUYER}/cac:PartyIdentification/cbc:ID/@schemeID") == ["0009"]
    assert xpath(xml, f"{BUYER}/cbc:EndpointID/text()") == ["812345676"]
    assert xpath(xml, f"{BUYER}/cbc:EndpointID/@schemeID") == ["0225"]
    assert xpath(xml, f"{BUYER}/cac:PartyTaxScheme/cbc:CompanyID/text()") == ["FR19812345676"]

    consumer = build_ubl(sample_document(business=False))
    assert xpath(consumer, f"{BUYER}/cac:PartyLegalEntity/cbc:CompanyID") == []
    assert xpath(consumer, f"{BUYER}/cac:PartyIdentification") == []
    assert xpath(consumer, f"{BUYER}/cac:PartyTaxScheme") == []
    assert xpath(consumer, f"{BUYER}/cbc:EndpointID/text()") == ["camille.martin@example.org"]
    assert xpath(consumer, f"{BUYER}/cbc:EndpointID/@schemeID") == ["EM"]
    assert xpath(consumer, f"{BUYER}/cac:PostalAddress/cbc:AdditionalStreetName/text()") == ["Bâtiment B"]
    assert xpath(consumer, "/*/cbc:BuyerReference/text()") == ["CP-1093377"]
    assert xpath(consumer, "/*/cbc:Note[starts-with(., '#BAR#')]/text()") == ["#BAR#B2C"]
    assert xpath(consumer, "/*/cac:InvoicePeriod/cbc:DescriptionCode/text()") == ["432"]  # VAT on payment


def test_direct_debit_and_transfer():
    dd = build_ubl(sample_document(direct_debit=True))
    assert xpath(dd, f"{MEANS}/cbc:PaymentMeansCode/text()") == ["59"]
    assert xpath(dd, f"{MEANS}/cac:PaymentMandate/cbc:ID/text()") == ["TBM-MDT-2025-004821"]
    assert xpath(dd, f"{MEANS}/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID/text()") == [
        "FR7620041010050500123456769"]
    assert xpath(dd, f"{SELLER}/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']/text()") == ["FR83ZZZ582941"]
    assert xpath(dd, "/*/cac:PaymentTerms/cbc:Note/text()") == [
        "Prélèvement SEPA le 15/10/2026 sur le compte se terminant par 6769"]

    transfer = build_ubl(sample_document(direct_debit=False))
    assert xpath(transfer, f"{MEANS}/cbc:PaymentMeansCode/text()") == ["58"]
    assert xpath(transfer, f"{MEANS}/cbc:PaymentID/text()") == ["F2026-000123"]
    assert xpath(transfer, f"{MEANS}/cac:PayeeFinancialAccount/cbc:ID/text()") == ["FR7630004008190001234567879"]
    assert xpath(transfer, f"{MEANS}/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID/text()") == [
        "BNPAFRPP"]
    assert xpath(transfer, f"{MEANS}/cac:PaymentMandate") == []
    assert xpath(transfer, "//cbc:ID[@schemeID='SEPA']") == []


def test_credit_note_is_a_ubl_credit_note_with_positive_amounts_and_the_preceding_invoice():
    xml = build_ubl(sample_document(credit_note=True))
    assert etree.QName(etree.fromstring(xml)).localname == "CreditNote"
    assert xpath(xml, "/cn:CreditNote/cbc:CreditNoteTypeCode/text()") == ["381"]
    assert xpath(xml, "/cn:CreditNote/cbc:ID/text()") == ["AV2026-000045"]
    reference = "/cn:CreditNote/cac:BillingReference/cac:InvoiceDocumentReference"
    assert xpath(xml, f"{reference}/cbc:ID/text()") == ["F2026-000123"]
    assert xpath(xml, f"{reference}/cbc:IssueDate/text()") == ["2026-10-01"]
    assert xpath(xml, "/cn:CreditNote/cbc:Note[starts-with(., '#ACD#')]/text()") == [
        "#ACD#Geste commercial : communications internationales facturées à tort"]
    assert xpath(xml, f"{TOTALS}/cbc:TaxInclusiveAmount/text()") == ["21.54"]
    assert xpath(xml, f"{MEANS}/cbc:PaymentMeansCode/text()") == ["97"]
    assert xpath(xml, f"{MEANS}/cbc:PaymentDueDate/text()") == ["2026-10-10"]  # BT-9 of a credit note
    assert xpath(xml, "/cn:CreditNote/cbc:DueDate") == []
    assert xpath(xml, "/cn:CreditNote/cac:InvoiceLine") == []
    assert xpath(xml, "/cn:CreditNote/cac:CreditNoteLine/cbc:CreditedQuantity/text()") == ["37", "1"]
    assert all(not a.startswith("-") for a in xpath(xml, "//cbc:LineExtensionAmount/text()"))


def test_lines_carry_section_msisdn_and_the_invoiced_object():
    xml = build_ubl(sample_document())
    assert xpath(xml, "/*/cac:InvoiceLine/cac:DocumentReference/cbc:ID/text()") == [
        "+33612345678", "+33612345678", "+33698765432", "+33698765432", "+33698765432",
        "+33745678901", "+33745678901", "+33612345678", "+33698765432"]
    line = "/*/cac:InvoiceLine[cbc:ID='4']"
    assert xpath(xml, f"{line}/cbc:Note/text()") == ["Forfaits et options — ligne +33698765432"]
    assert xpath(xml, f"{line}/cac:DocumentReference/cbc:ID/@schemeID") == ["AWV"]
    assert xpath(xml, f"{line}/cac:DocumentReference/cbc:DocumentTypeCode/text()") == ["130"]
    assert xpath(xml, f"{line}/cbc:InvoicedQuantity/text()") == ["-15"]
    assert xpath(xml, f"{line}/cbc:InvoicedQuantity/@unitCode") == ["DAY"]
    assert xpath(xml, f"{line}/cac:Price/cbc:PriceAmount/text()") == ["0.833"]
    assert xpath(xml, f"{line}/cbc:LineExtensionAmount/text()") == ["-12.50"]
    assert xpath(xml, f"{line}/cac:InvoicePeriod/cbc:StartDate/text()") == ["2026-09-16"]
    assert xpath(xml, f"{line}/cac:Item/cac:SellersItemIdentification/cbc:ID/text()") == ["PLAN-PRO-100"]
    assert xpath(xml, f"{line}/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent/text()") == ["20.00"]
    assert xpath(xml, f"{line}/cac:Item/cac:AdditionalItemProperty/cbc:Value/text()") == [
        "plan_options", "+33698765432"]


def test_out_of_scope_line_has_no_rate_and_is_rejected_like_in_cii():
    doc = sample_document(out_of_scope_line=True)
    xml = build_ubl(doc)
    line = "/*/cac:InvoiceLine[cac:Item/cac:AdditionalItemProperty/cbc:Value='penalties']"
    assert xpath(xml, f"{line}/cac:Item/cac:ClassifiedTaxCategory/cbc:ID/text()") == ["O"]
    assert xpath(xml, f"{line}/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") == []
    group = f"{SUBTOTAL}/cac:TaxCategory[cbc:ID='O']"
    assert xpath(xml, f"{group}/cbc:TaxExemptionReasonCode/text()") == ["VATEX-EU-O"]
    assert xpath(xml, f"{group}/cbc:TaxExemptionReason/text()") == ["Non soumis à la TVA"]
    assert fatal_ids(doc) == {"BR-O-02", "BR-O-11", "BR-O-12"}


def test_builder_refuses_to_round_or_flip_signs():
    doc = sample_document()
    with pytest.raises(ValueError, match="more than 2 decimals"):
        build_ubl(dataclasses.replace(doc, total_net=Decimal("94.431")))
    line = dataclasses.replace(doc.lines[0], unit_price=Decimal("24.9900001"))
    with pytest.raises(ValueError, match="more than 6 decimals"):
        build_ubl(dataclasses.replace(doc, lines=(line, *doc.lines[1:])))
    credit = sample_document(credit_note=True)
    with pytest.raises(ValueError, match="positive amounts"):
        build_ubl(dataclasses.replace(credit, total_net=-credit.total_net, total_gross=-credit.total_gross))
    transfer = sample_document(direct_debit=False)
    with pytest.raises(ValueError, match="BT-86"):
        build_ubl(dataclasses.replace(transfer, payment=dataclasses.replace(transfer.payment, payee_iban="")))


# --- the rule sets can fail ----------------------------------------------------------------

def test_all_ubl_rulesets_ran():
    xml = build_ubl(sample_document()).replace(b"<cbc:InvoiceTypeCode>380<", b"<cbc:InvoiceTypeCode>999<")
    failures = fatal(validate_ubl(xml))
    assert {f.rule_id for f in failures} == {"BR-CL-01", "BR-FR-04_BT-3"}
    assert {f.ruleset for f in failures} == {"en16931", "br-fr"}


def test_total_net_off_by_a_cent_is_br_co_10_and_br_co_15():
    doc = sample_document()
    assert fatal_ids(dataclasses.replace(doc, total_net=doc.total_net + Decimal("0.01"))) == {"BR-CO-10", "BR-CO-15"}


def test_vat_amount_off_by_a_cent_is_br_co_14_and_by_a_euro_also_br_s_09():
    """BR-S-09 and BR-CO-17 allow a cent of rounding per breakdown; the sum (BR-CO-14) does not."""
    doc = sample_document()

    def off_by(delta):
        vat = dataclasses.replace(doc.vat_totals[0], amount=doc.vat_totals[0].amount + Decimal(delta))
        return fatal_ids(dataclasses.replace(doc, vat_totals=(vat,)))

    assert off_by("0.01") == {"BR-CO-14"}
    assert off_by("1") == {"BR-S-09", "BR-CO-14", "BR-CO-17"}


def test_business_buyer_without_siren_is_br_fr_11():
    doc = sample_document()
    no_siren = dataclasses.replace(doc, buyer=dataclasses.replace(doc.buyer, siren="", siret=""))
    assert fatal_ids(no_siren) == {"BR-FR-11_BT-47"}


def test_business_routing_address_must_start_with_the_siren():
    doc = sample_document()
    elsewhere = dataclasses.replace(doc, buyer=dataclasses.replace(doc.buyer, electronic_address="552100554"))
    assert fatal_ids(elsewhere) == {"BR-FR-21_BT-49"}


def test_missing_pmt_note_is_br_fr_05():
    doc = sample_document()
    assert fatal_ids(dataclasses.replace(doc, notes=tuple(n for n in doc.notes if n[0] != "PMT"))) == {
        "BR-FR-05_BT-22-1"}


def test_credit_note_without_the_corrected_invoice_is_br_fr_co_05():
    credit = sample_document(credit_note=True)
    orphan = dataclasses.replace(credit, corrected_number="", corrected_issue_date=None)
    assert fatal_ids(orphan) == {"BR-FR-CO-05_BT-3"}


def test_the_cii_way_of_carrying_the_account_number_would_fail_in_ubl():
    """CII's second buyer identifier (BT-46, no scheme) is why UBL carries the account in BT-10."""
    tree = etree.fromstring(build_ubl(sample_document()))
    siret = tree.find(f"{{{CAC}}}AccountingCustomerParty/{{{CAC}}}Party/{{{CAC}}}PartyIdentification")
    account = etree.Element(f"{{{CAC}}}PartyIdentification")
    etree.SubElement(account, f"{{{CBC}}}ID").text = "CF-0048213"
    siret.addprevious(account)
    failures = fatal(validate_ubl(etree.tostring(tree)))
    assert {f.rule_id for f in failures} == {"UBL-SR-16", "BR-FR-CO-10_BT-46-1"}


def test_xsd_failures_and_roots_that_are_not_ubl():
    xml = build_ubl(sample_document()).replace(b"<cbc:StreetName>", b"<cbc:Nom>x</cbc:Nom><cbc:StreetName>", 1)
    xsd = [f for f in validate_ubl(xml) if f.ruleset == "xsd"]
    assert xsd and all(f.rule_id == "XSD" and f.fatal for f in xsd)
    cii_as_ubl = [f for f in validate_ubl(build_cii(sample_document())) if f.ruleset == "xsd"]
    assert [(f.rule_id, f.message) for f in cii_as_ubl] == [
        ("XSD", "root element CrossIndustryInvoice is neither a UBL Invoice nor a CreditNote")]
    assert [f.rule_id for f in validate_ubl(b"<Invoice")] == ["XML"]


# --- the same facts as the CII -------------------------------------------------------------

def _reader(xml: bytes):
    """The tree of `xml` parsed once (documents of 60 lines), and `values(path, node)` / `value(path, node)`."""
    tree = etree.fromstring(xml)

    def values(path, node=tree):
        return [str(x) for x in node.xpath(path, namespaces=NS)]

    def value(path, node=tree):
        found = values(path, node)
        return found[0] if found else None

    return tree, values, value


def _cii_facts(xml: bytes) -> dict:
    tree, values, value = _reader(xml)
    lines = [
        (value("ram:AssociatedDocumentLineDocument/ram:LineID/text()", item),
         value("ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content/text()", item),
         value(".//ram:BilledQuantity/text()", item), value(".//ram:BilledQuantity/@unitCode", item),
         value(".//ram:NetPriceProductTradePrice/ram:ChargeAmount/text()", item),
         value(".//ram:LineTotalAmount/text()", item),
         value(".//ram:ApplicableTradeTax/ram:CategoryCode/text()", item),
         value(".//ram:ApplicableTradeTax/ram:RateApplicablePercent/text()", item),
         value(".//ram:AdditionalReferencedDocument/ram:IssuerAssignedID/text()", item),
         value("ram:SpecifiedTradeProduct/ram:Name/text()", item))
        for item in tree.iterfind(".//ram:IncludedSupplyChainTradeLineItem", NS)
    ]
    settlement = "//ram:ApplicableHeaderTradeSettlement"
    totals = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    tax = f"{settlement}/ram:ApplicableTradeTax"
    return {
        "number": value("//rsm:ExchangedDocument/ram:ID/text()"),
        "type": value("//rsm:ExchangedDocument/ram:TypeCode/text()"),
        "framework": value("//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID/text()"),
        "notes": list(zip(values("//rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode/text()"),
                          values("//rsm:ExchangedDocument/ram:IncludedNote/ram:Content/text()"), strict=True)),
        "totals": [value(f"{totals}/ram:{name}/text()") for name in (
            "LineTotalAmount", "TaxBasisTotalAmount", "TaxTotalAmount", "GrandTotalAmount",
            "TotalPrepaidAmount", "DuePayableAmount")],
        "vat": list(zip(values(f"{tax}/ram:CategoryCode/text()"), values(f"{tax}/ram:BasisAmount/text()"),
                        values(f"{tax}/ram:CalculatedAmount/text()"), strict=True)),
        "rates": values(f"{tax}/ram:RateApplicablePercent/text()"),
        "means": value(f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode/text()"),
        "mandate": value("//ram:DirectDebitMandateID/text()"),
        "ics": value(f"{settlement}/ram:CreditorReferenceID/text()"),
        "debtor_iban": value("//ram:PayerPartyDebtorFinancialAccount/ram:IBANID/text()"),
        "payee_iban": value("//ram:PayeePartyCreditorFinancialAccount/ram:IBANID/text()"),
        "preceding": value(f"{settlement}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()"),
        "buyer_siren": value("//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/text()"),
        "buyer_siret": value("//ram:BuyerTradeParty/ram:GlobalID/text()"),
        "buyer_endpoint": value("//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID/text()"),
        "account": value("//ram:BuyerTradeParty/ram:ID/text()"),
        "lines": lines,
    }


def _ubl_facts(xml: bytes) -> dict:
    tree, values, value = _reader(xml)
    lines = [
        (value("cbc:ID/text()", line), value("cbc:Note/text()", line),
         value("cbc:InvoicedQuantity/text() | cbc:CreditedQuantity/text()", line),
         value("cbc:InvoicedQuantity/@unitCode | cbc:CreditedQuantity/@unitCode", line),
         value("cac:Price/cbc:PriceAmount/text()", line), value("cbc:LineExtensionAmount/text()", line),
         value("cac:Item/cac:ClassifiedTaxCategory/cbc:ID/text()", line),
         value("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent/text()", line),
         value("cac:DocumentReference[cbc:DocumentTypeCode='130']/cbc:ID/text()", line),
         value("cac:Item/cbc:Name/text()", line))
        for line in tree.xpath(LINES, namespaces=NS)
    ]
    return {
        "number": value("/*/cbc:ID/text()"),
        "type": value("/*/cbc:InvoiceTypeCode/text() | /*/cbc:CreditNoteTypeCode/text()"),
        "framework": value("/*/cbc:ProfileID/text()"),
        "notes": [tuple(note.split("#", 2)[1:]) for note in values("/*/cbc:Note/text()")],
        "totals": [value(f"{TOTALS}/cbc:LineExtensionAmount/text()"), value(f"{TOTALS}/cbc:TaxExclusiveAmount/text()"),
                   value("/*/cac:TaxTotal/cbc:TaxAmount/text()"), value(f"{TOTALS}/cbc:TaxInclusiveAmount/text()"),
                   value(f"{TOTALS}/cbc:PrepaidAmount/text()"), value(f"{TOTALS}/cbc:PayableAmount/text()")],
        "vat": list(zip(values(f"{SUBTOTAL}/cac:TaxCategory/cbc:ID/text()"),
                        values(f"{SUBTOTAL}/cbc:TaxableAmount/text()"),
                        values(f"{SUBTOTAL}/cbc:TaxAmount/text()"), strict=True)),
        "rates": values(f"{SUBTOTAL}/cac:TaxCategory/cbc:Percent/text()"),
        "means": value(f"{MEANS}/cbc:PaymentMeansCode/text()"),
        "mandate": value(f"{MEANS}/cac:PaymentMandate/cbc:ID/text()"),
        "ics": value(f"{SELLER}/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']/text()"),
        "debtor_iban": value(f"{MEANS}/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID/text()"),
        "payee_iban": value(f"{MEANS}/cac:PayeeFinancialAccount/cbc:ID/text()"),
        "preceding": value("/*/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()"),
        "buyer_siren": value(f"{BUYER}/cac:PartyLegalEntity/cbc:CompanyID/text()"),
        "buyer_siret": value(f"{BUYER}/cac:PartyIdentification/cbc:ID[@schemeID='0009']/text()"),
        "buyer_endpoint": value(f"{BUYER}/cbc:EndpointID/text()"),
        "account": value("/*/cbc:BuyerReference/text()"),
        "lines": lines,
    }


def assert_same_facts(doc) -> None:
    """The CII and the UBL of `doc` say the same thing, read back from both XMLs."""
    cii, ubl = _cii_facts(build_cii(doc)), _ubl_facts(build_ubl(doc))
    assert list(cii) == list(ubl)
    for key in cii:
        assert cii[key] == ubl[key], key


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_cii_and_ubl_of_the_same_document_carry_the_same_facts(variant):
    assert_same_facts(sample_document(**variant))


# --- plumbing ------------------------------------------------------------------------------

def test_validate_dispatches_on_the_syntax():
    doc = sample_document()
    assert validate(build_ubl(doc), "ubl") == validate_ubl(build_ubl(doc)) == []
    assert validate(build_cii(doc), "cii") == validate_cii(build_cii(doc))
    with pytest.raises(ValueError, match="unknown syntax"):
        validate(build_ubl(doc), "edifact")


def test_one_validator_per_process_and_syntax():
    assert get_validator("ubl") is get_validator("ubl")
    assert get_validator("ubl") is not get_validator("cii")
    assert get_validator("ubl").syntax == "ubl" and get_validator().syntax == "cii"


def test_ubl_pool_gives_the_same_answers_as_in_process():
    doc = sample_document()
    xmls = [build_ubl(sample_document(**v)) for v in VARIANTS[:4:2]]
    xmls.append(build_ubl(dataclasses.replace(doc, total_net=doc.total_net + 1)))
    with ValidationPool(workers=1, syntax="ubl") as pool:
        results = pool.validate_many(xmls)
    assert results == [validate_ubl(xml) for xml in xmls]
    assert [bool(fatal(r)) for r in results] == [False, False, True]
    assert all(isinstance(f, Failure) for f in results[-1])
