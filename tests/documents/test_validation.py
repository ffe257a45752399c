"""Validation against the Factur-X XSD, the EN 16931 / Factur-X schematron and BR-FR.

The schematrons are compiled once for the whole session (get_validator caches per
process); the pool test spawns one extra worker process.
"""

import dataclasses

import pytest

from telcobill.documents.cii import build_cii
from telcobill.documents.sample import sample_document
from telcobill.documents.validation import (
    RULESETS,
    Failure,
    ValidationPool,
    fatal,
    get_validator,
    parse_svrl,
    validate_cii,
)
from tests.documents.variants import VARIANTS, variant_id

# The one warning our documents carry: ApplicableHeaderTradeDelivery is mandatory in CII yet
# has nothing to say for a telecom service (no delivery date, no ship-to).
EXPECTED_WARNINGS = {"PEPPOL-EN16931-R008"}


def rule_ids(failures: list[Failure]) -> set[str]:
    return {f.rule_id for f in failures}


def fatal_ids(doc) -> set[str]:
    return rule_ids(fatal(validate_cii(build_cii(doc))))


def test_rulesets_are_the_shipped_files():
    assert set(RULESETS) == {"en16931", "br-fr"}
    assert all(path.is_file() for path in RULESETS.values())
    assert (RULESETS["en16931"].parent / "FACTUR-X_EN16931_codedb.xml").is_file()  # loaded offline


@pytest.mark.parametrize("variant", VARIANTS, ids=variant_id)
def test_every_variant_has_zero_fatal_failures(variant):
    failures = validate_cii(build_cii(sample_document(**variant)))
    assert fatal(failures) == []
    assert rule_ids(failures) <= EXPECTED_WARNINGS


def test_all_rulesets_ran():
    """A broken document must hear from each rule set, or one of them silently did nothing."""
    xml = build_cii(sample_document()).replace(b"<ram:TypeCode>380<", b"<ram:TypeCode>999<")
    rulesets = {f.ruleset for f in fatal(validate_cii(xml))}
    assert {"en16931", "br-fr"} <= rulesets


def test_total_net_not_equal_to_the_lines_is_br_co_10():
    doc = sample_document()
    broken = dataclasses.replace(doc, total_net=doc.total_net + 1)  # BT-106 and BT-109
    failures = fatal(validate_cii(build_cii(broken)))
    assert rule_ids(failures) == {"BR-CO-10", "BR-CO-15"}
    assert next(f for f in failures if f.rule_id == "BR-CO-10").ruleset == "en16931"


def test_vat_amount_off_by_a_cent_is_br_s_09_and_br_co_14():
    doc = sample_document()
    vat = dataclasses.replace(doc.vat_totals[0], amount=doc.vat_totals[0].amount + 1)
    broken = dataclasses.replace(doc, vat_totals=(vat,))
    assert {"BR-S-09", "BR-CO-14"} <= fatal_ids(broken)


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
    no_pmt = dataclasses.replace(doc, notes=tuple(n for n in doc.notes if n[0] != "PMT"))
    assert fatal_ids(no_pmt) == {"BR-FR-05_BT-22_PMT"}


def test_number_with_forbidden_characters_is_br_fr_02():
    assert fatal_ids(dataclasses.replace(sample_document(), number="F 2026/123")) == {"BR-FR-02_BT-1"}


def test_credit_note_without_the_corrected_invoice_is_br_fr_co_05():
    credit = sample_document(credit_note=True)
    orphan = dataclasses.replace(credit, corrected_number="", corrected_issue_date=None)
    assert fatal_ids(orphan) == {"BR-FR-CO-05_BT-3"}


def test_recovery_indemnity_as_out_of_scope_line_is_rejected_by_en16931():
    """EN 16931 cannot carry an O line next to S lines and VAT numbers: invoice it apart."""
    assert fatal_ids(sample_document(out_of_scope_line=True)) == {"BR-O-02", "BR-O-11", "BR-O-12"}


def test_xsd_and_xml_syntax_failures():
    xml = build_cii(sample_document()).replace(b"<ram:Name>", b"<ram:Nom>x</ram:Nom><ram:Name>", 1)
    xsd = [f for f in validate_cii(xml) if f.ruleset == "xsd"]
    assert xsd and all(f.rule_id == "XSD" and f.fatal for f in xsd)
    assert validate_cii(b"<rsm:CrossIndustryInvoice") == [
        Failure("XML", "fatal", "line 1", validate_cii(b"<rsm:CrossIndustryInvoice")[0].message, "xml")]


def test_attribute_outside_the_profile_is_a_fatal_report_without_id():
    tag = b"<ram:GrandTotalAmount>"
    xml = build_cii(sample_document()).replace(tag, b'<ram:GrandTotalAmount currencyID="EUR">')
    reports = [f for f in fatal(validate_cii(xml)) if f.ruleset == "en16931"]
    message = "Attribute @currencyID' marked as not used in the given context."
    assert [(f.rule_id, f.message) for f in reports] == [("", message)]
    assert "GrandTotalAmount" in reports[0].location


def test_parse_svrl_severity_convention():
    svrl = """<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
      <svrl:failed-assert id="BR-01" location="/a"><svrl:text> no  flag </svrl:text></svrl:failed-assert>
      <svrl:failed-assert id="W-1" flag="warning" location="/b"><svrl:text>w</svrl:text></svrl:failed-assert>
      <svrl:failed-assert id="BR-FR-01" flag="fatal" location="/c"><svrl:text>f</svrl:text>
      </svrl:failed-assert>
      <svrl:successful-report location="/d"><svrl:text>not used</svrl:text></svrl:successful-report>
      <svrl:fired-rule context="/"/>
    </svrl:schematron-output>"""
    assert parse_svrl(svrl, "x") == [
        Failure("BR-01", "fatal", "/a", "no flag", "x"),
        Failure("W-1", "warning", "/b", "w", "x"),
        Failure("BR-FR-01", "fatal", "/c", "f", "x"),
        Failure("", "fatal", "/d", "not used", "x"),
    ]


def test_validator_is_compiled_once_per_process():
    assert get_validator() is get_validator()


def test_pool_gives_the_same_answers_as_in_process():
    doc = sample_document()
    xmls = [build_cii(sample_document(**v)) for v in VARIANTS[:4]]
    xmls.append(build_cii(dataclasses.replace(doc, total_net=doc.total_net + 1)))
    with ValidationPool(workers=1) as pool:
        results = pool.validate_many(xmls)
    assert results == [validate_cii(xml) for xml in xmls]
    assert [bool(fatal(r)) for r in results] == [False, False, False, False, True]
