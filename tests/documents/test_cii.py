"""The CII builder and the sample document: structure, exact values, determinism.

Plain functions, no database: run with `python -m pytest tests/documents`.
"""

import dataclasses
from decimal import Decimal

import facturx
import pytest
from lxml import etree
from stdnum import iban
from stdnum.eu import at_02
from stdnum.fr import siren, siret, tva

from telcobill.documents.cii import build_cii
from telcobill.documents.sample import round_half_up, sample_document
from tests.documents.variants import VARIANTS, variant_id

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}



def xpath(xml: bytes, path: str) -> list[str]:
    """Texts (or attribute values) matched by `path` in `xml`."""
    return [str(x) for x in etree.fromstring(xml).xpath(path, namespaces=NS)]


CONTEXT = "//rsm:ExchangedDocumentContext"
HEADER = "//rsm:ExchangedDocument"
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"
MEANS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
TERMS = f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms"
PRECEDING = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
LINE_NOTE = "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content/text()"
TOTALS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
BUYER = "//ram:BuyerTradeParty"
SELLER = "//ram:SellerTradeParty"


# --- the sample ----------------------------------------------------------------------------

@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_sample_amounts_are_consistent(variant):
    doc = sample_document(**variant)
    for line in doc.lines:
        assert line.net_amount == round_half_up(line.quantity * line.unit_price)
        assert line.unit_price >= 0  # BR-27: credits go through a negative quantity
    assert doc.total_net == sum(line.net_amount for line in doc.lines)
    for vat in doc.vat_totals:
        group = [ln for ln in doc.lines if (ln.vat_category, ln.vat_rate) == (vat.category, vat.rate)]
        base = sum(ln.net_amount for ln in group)
        assert vat.base == base
        assert vat.amount == round_half_up(base * vat.rate / 100)
    assert doc.total_vat == sum(v.amount for v in doc.vat_totals)
    assert doc.total_gross == doc.total_net + doc.total_vat
    assert doc.amount_due == doc.total_gross - doc.prepaid
    assert doc.total_gross > 0  # credit notes too: positive amounts, type code 381


def test_sample_identifiers_have_valid_check_digits():
    doc = sample_document(direct_debit=True)
    for party in (doc.seller, doc.buyer):
        assert siren.is_valid(party.siren) and siret.is_valid(party.siret)
        assert party.siret.startswith(party.siren) and tva.is_valid(party.vat_number)
        assert party.electronic_address == party.siren and party.electronic_address_scheme == "0225"
    assert at_02.is_valid(doc.payment.creditor_identifier)
    assert iban.is_valid(doc.payment.debtor_iban)
    assert iban.is_valid(sample_document(direct_debit=False).payment.payee_iban)


def test_sample_sections_and_msisdns():
    doc = sample_document()
    assert {ln.section for ln in doc.lines} == {"plan_options", "one_off", "communications"}
    assert all(ln.msisdn.startswith("+33") and ln.period_start and ln.period_end for ln in doc.lines)
    assert [ln.number for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    credit = next(ln for ln in doc.lines if ln.quantity < 0)  # the prorated plan credit
    assert (credit.quantity, credit.unit_price) == (Decimal(-15), Decimal("0.833"))
    assert credit.net_amount == Decimal("-12.50")


def test_sample_notes():
    b2b, b2c = dict(sample_document().notes), dict(sample_document(business=False).notes)
    pmt = "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €"
    assert b2b["PMT"] == pmt
    assert "BCE" in b2b["PMD"] and "10 points" in b2b["PMD"]
    assert b2b["AAB"] == "Pas d'escompte pour paiement anticipé"
    assert (b2b["BAR"], b2c["BAR"]) == ("B2B", "B2C")
    assert {"PMT", "PMD", "AAB"} <= set(b2c)  # BR-FR-05 wants them on B2C documents too


# --- the XML -------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_every_variant_is_factur_x_en16931_and_xsd_valid(variant):
    xml = build_cii(sample_document(**variant))
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    tree = etree.fromstring(xml)
    assert facturx.get_flavor(tree) == "factur-x"
    assert facturx.get_level(tree) == "en16931"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True


def test_build_is_deterministic():
    assert build_cii(sample_document()) == build_cii(sample_document())
    doc = sample_document(business=False, credit_note=True, language="en")
    assert build_cii(doc) == build_cii(dataclasses.replace(doc))


def test_header_values_read_back():
    xml = build_cii(sample_document())
    framework = xpath(xml, f"{CONTEXT}/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID/text()")
    assert framework == ["S1"]
    guideline = xpath(xml, f"{CONTEXT}/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()")
    assert guideline == ["urn:cen.eu:en16931:2017"]
    assert xpath(xml, f"{HEADER}/ram:ID/text()") == ["F2026-000123"]
    assert xpath(xml, f"{HEADER}/ram:TypeCode/text()") == ["380"]
    assert xpath(xml, "//ram:IssueDateTime/udt:DateTimeString/text()") == ["20261001"]
    assert xpath(xml, "//ram:IssueDateTime/udt:DateTimeString/@format") == ["102"]
    subject_codes = xpath(xml, f"{HEADER}/ram:IncludedNote/ram:SubjectCode/text()")
    assert subject_codes == ["PMT", "PMD", "AAB", "TXD", "BAR"]
    assert xpath(xml, f"{TOTALS}/ram:LineTotalAmount/text()") == ["94.43"]
    assert xpath(xml, f"{TOTALS}/ram:TaxBasisTotalAmount/text()") == ["94.43"]
    assert xpath(xml, f"{TOTALS}/ram:TaxTotalAmount/text()") == ["18.89"]
    assert xpath(xml, f"{TOTALS}/ram:TaxTotalAmount/@currencyID") == ["EUR"]
    assert xpath(xml, f"{TOTALS}/ram:GrandTotalAmount/text()") == ["113.32"]
    assert xpath(xml, f"{TOTALS}/ram:TotalPrepaidAmount/text()") == ["0.00"]
    assert xpath(xml, f"{TOTALS}/ram:DuePayableAmount/text()") == ["113.32"]
    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert xpath(xml, f"{tax}/ram:BasisAmount/text()") == ["94.43"]
    assert xpath(xml, f"{tax}/ram:CalculatedAmount/text()") == ["18.89"]
    assert xpath(xml, f"{tax}/ram:RateApplicablePercent/text()") == ["20.00"]
    assert xpath(xml, f"{tax}/ram:DueDateTypeCode/text()") == ["5"]  # VAT on debits
    period = xpath(xml, f"{SETTLEMENT}/ram:BillingSpecifiedPeriod//udt:DateTimeString/text()")
    assert period == ["20260901", "20260930"]


def test_parties_read_back():
    xml = build_cii(sample_document())
    assert xpath(xml, f"{SELLER}/ram:Name/text()") == ["Telcobill Mobile SAS"]
    legal_mentions = "SAS au capital de 1 250 000 € — RCS Paris 732 829 320"
    assert xpath(xml, f"{SELLER}/ram:Description/text()") == [legal_mentions]
    assert xpath(xml, f"{SELLER}/ram:SpecifiedLegalOrganization/ram:ID/text()") == ["732829320"]
    assert xpath(xml, f"{SELLER}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID") == ["0002"]
    assert xpath(xml, f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID/text()") == ["FR44732829320"]
    assert xpath(xml, f"{SELLER}/ram:URIUniversalCommunication/ram:URIID/@schemeID") == ["0225"]
    assert xpath(xml, f"{BUYER}/ram:ID/text()") == ["CF-0048213"]
    assert xpath(xml, f"{BUYER}/ram:GlobalID/text()") == ["81234567600025"]
    assert xpath(xml, f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID/text()") == ["812345676"]
    assert xpath(xml, f"{BUYER}/ram:URIUniversalCommunication/ram:URIID/text()") == ["812345676"]
    assert xpath(xml, f"{BUYER}/ram:SpecifiedTaxRegistration/ram:ID/text()") == ["FR19812345676"]

    consumer = build_cii(sample_document(business=False))
    assert xpath(consumer, f"{BUYER}/ram:SpecifiedLegalOrganization") == []
    assert xpath(consumer, f"{BUYER}/ram:SpecifiedTaxRegistration") == []
    assert xpath(consumer, f"{BUYER}/ram:URIUniversalCommunication/ram:URIID/@schemeID") == ["EM"]
    assert xpath(consumer, "//ram:IncludedNote[ram:SubjectCode='BAR']/ram:Content/text()") == ["B2C"]
    assert xpath(consumer, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:DueDateTypeCode/text()") == ["72"]


def test_lines_carry_section_and_msisdn():
    xml = build_cii(sample_document())
    line = "//ram:IncludedSupplyChainTradeLineItem[ram:AssociatedDocumentLineDocument/ram:LineID='4']"
    assert xpath(xml, f"{line}/{LINE_NOTE}") == ["Forfaits et options — ligne +33698765432"]
    attributes = xpath(xml, f"{line}//ram:ApplicableProductCharacteristic/ram:Value/text()")
    assert attributes == ["plan_options", "+33698765432"]
    reference = f"{line}//ram:AdditionalReferencedDocument"
    assert xpath(xml, f"{reference}/ram:IssuerAssignedID/text()") == ["+33698765432"]
    assert xpath(xml, f"{reference}/ram:TypeCode/text()") == ["130"]
    assert xpath(xml, f"{reference}/ram:ReferenceTypeCode/text()") == ["AWV"]
    assert xpath(xml, f"{line}//ram:SellerAssignedID/text()") == ["PLAN-PRO-100"]
    assert xpath(xml, f"{line}//ram:BilledQuantity/text()") == ["-15"]
    assert xpath(xml, f"{line}//ram:BilledQuantity/@unitCode") == ["DAY"]
    assert xpath(xml, f"{line}//ram:NetPriceProductTradePrice/ram:ChargeAmount/text()") == ["0.833"]
    assert xpath(xml, f"{line}//ram:LineTotalAmount/text()") == ["-12.50"]
    period = xpath(xml, f"{line}//ram:BillingSpecifiedPeriod//udt:DateTimeString/text()")
    assert period == ["20260916", "20260930"]
    sim = line.replace("'4'", "'7'")
    assert xpath(xml, f"{sim}/{LINE_NOTE}") == ["Produits et frais ponctuels — ligne +33745678901"]
    english = build_cii(sample_document(language="en"))
    assert xpath(english, f"(//ram:IncludedSupplyChainTradeLineItem)[1]/{LINE_NOTE}") == [
        "Plan and options — line +33612345678"]


def test_direct_debit_and_transfer():
    dd = build_cii(sample_document(direct_debit=True))
    assert xpath(dd, f"{MEANS}/ram:TypeCode/text()") == ["59"]
    assert xpath(dd, f"{SETTLEMENT}/ram:CreditorReferenceID/text()") == ["FR83ZZZ582941"]
    assert xpath(dd, f"{TERMS}/ram:DirectDebitMandateID/text()") == ["TBM-MDT-2025-004821"]
    assert xpath(dd, f"{MEANS}/ram:PayerPartyDebtorFinancialAccount/ram:IBANID/text()") == [
        "FR7620041010050500123456769"]
    assert xpath(dd, f"{TERMS}/ram:DueDateDateTime/udt:DateTimeString/text()") == ["20261015"]

    transfer = build_cii(sample_document(direct_debit=False))
    assert xpath(transfer, f"{MEANS}/ram:TypeCode/text()") == ["58"]
    assert xpath(transfer, f"{MEANS}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID/text()") == [
        "FR7630004008190001234567879"]
    assert xpath(transfer, f"{MEANS}/ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID/text()") == [
        "BNPAFRPP"]
    assert xpath(transfer, f"{SETTLEMENT}/ram:PaymentReference/text()") == ["F2026-000123"]
    assert xpath(transfer, f"{SETTLEMENT}/ram:CreditorReferenceID") == []
    assert xpath(transfer, "//ram:DirectDebitMandateID") == []


def test_credit_note_is_381_with_positive_amounts_and_preceding_invoice():
    xml = build_cii(sample_document(credit_note=True))
    assert xpath(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert xpath(xml, "//rsm:ExchangedDocument/ram:ID/text()") == ["AV2026-000045"]
    assert xpath(xml, f"{PRECEDING}/ram:IssuerAssignedID/text()") == ["F2026-000123"]
    assert xpath(xml, f"{PRECEDING}/ram:FormattedIssueDateTime/qdt:DateTimeString/text()") == ["20261001"]
    assert xpath(xml, f"{TOTALS}/ram:GrandTotalAmount/text()") == ["21.54"]
    assert xpath(xml, "//ram:IncludedNote[ram:SubjectCode='ACD']/ram:Content/text()") == [
        "Geste commercial : communications internationales facturées à tort"]
    assert all(not amount.startswith("-") for amount in xpath(xml, "//ram:LineTotalAmount/text()"))
    assert xpath(xml, f"{MEANS}/ram:TypeCode/text()") == ["97"]


def test_out_of_scope_line_has_no_rate_and_an_exemption_reason():
    xml = build_cii(sample_document(out_of_scope_line=True))
    line = "//ram:IncludedSupplyChainTradeLineItem[.//ram:Value='penalties']"
    assert xpath(xml, f"{line}//ram:ApplicableTradeTax/ram:CategoryCode/text()") == ["O"]
    assert xpath(xml, f"{line}//ram:RateApplicablePercent") == []  # BR-O-05
    group = f"{SETTLEMENT}/ram:ApplicableTradeTax[ram:CategoryCode='O']"
    assert xpath(xml, f"{group}/ram:ExemptionReasonCode/text()") == ["VATEX-EU-O"]
    assert xpath(xml, f"{group}/ram:BasisAmount/text()") == ["40.00"]
    assert xpath(xml, f"{group}/ram:RateApplicablePercent") == []


def test_builder_refuses_to_round_or_flip_signs():
    doc = sample_document()
    with pytest.raises(ValueError, match="more than 2 decimals"):
        build_cii(dataclasses.replace(doc, total_net=Decimal("94.431")))
    credit = sample_document(credit_note=True)
    with pytest.raises(ValueError, match="positive amounts"):
        build_cii(dataclasses.replace(credit, total_net=-credit.total_net, total_gross=-credit.total_gross))
