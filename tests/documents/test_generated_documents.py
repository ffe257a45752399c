"""Property: every document billing can make is a valid CII and a valid UBL, and both say the same.

The documents come from tests/documents/document_strategies.py (1-60 telecom lines, consumers
and businesses, invoices and credit notes, direct debit and transfers, penalties-only
documents). Validation is XSD + CEN EN 16931 (+ Factur-X for CII) + BR-FR, in this process.
"""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings

from telcobill.documents.cii import build_cii
from telcobill.documents.sample import round_half_up
from telcobill.documents.ubl import build_ubl
from telcobill.documents.validation import validate
from tests.documents.document_strategies import documents, random_documents
from tests.documents.test_ubl import assert_same_facts, xpath

# The one warning a CII carries: the mandatory, empty ApplicableHeaderTradeDelivery of a service.
EXPECTED_WARNINGS = {"cii": {"PEPPOL-EN16931-R008"}, "ubl": set()}


def _report(doc, syntax: str, failures) -> str:
    rules = "\n".join(f"  {f.ruleset} {f.rule_id} {f.flag} {f.location}: {f.message}" for f in failures)
    return f"{syntax.upper()} of {doc.number} fails:\n{rules}\n{doc!r}"


@settings(max_examples=200, deadline=None)
@given(documents())
def test_generated_documents_add_up_to_the_cent(doc):
    for line in doc.lines:
        assert line.net_amount == round_half_up(line.quantity * line.unit_price)
        assert line.unit_price >= 0  # BR-27: a credit is a negative quantity
    for vat in doc.vat_totals:
        group = [ln for ln in doc.lines if (ln.vat_category, ln.vat_rate) == (vat.category, vat.rate)]
        assert vat.base == sum(ln.net_amount for ln in group)
        assert vat.amount == (round_half_up(vat.base * vat.rate / 100) if vat.category == "S" else 0)
    assert doc.total_net == sum(ln.net_amount for ln in doc.lines)
    assert doc.total_vat == sum(v.amount for v in doc.vat_totals)
    assert doc.total_gross == doc.total_net + doc.total_vat
    assert doc.amount_due == doc.total_gross - doc.prepaid and doc.prepaid >= 0
    assert [ln.number for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    assert {"PMT", "PMD", "AAB", "BAR"} <= {code for code, _ in doc.notes}
    if doc.kind == "credit_note":
        assert doc.total_net > 0 and doc.total_gross > 0  # positive, type code 381 says "credit"
        assert doc.corrected_number.startswith("F") and doc.corrected_issue_date < doc.issue_date
    if any(v.category == "O" for v in doc.vat_totals):  # BR-O-02, BR-O-11
        assert len(doc.vat_totals) == 1 and not doc.seller.vat_number and not doc.buyer.vat_number


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_generated_document_is_valid_in_cii_and_ubl_and_both_say_the_same(doc):
    for syntax, xml in (("cii", build_cii(doc)), ("ubl", build_ubl(doc))):
        failures = validate(xml, syntax)
        unexpected = [f for f in failures if f.fatal or f.rule_id not in EXPECTED_WARNINGS[syntax]]
        assert not unexpected, _report(doc, syntax, unexpected)
    assert_same_facts(doc)
    # BR-CO-25, which no shipped rule set checks any more: a positive amount due has a due date or terms.
    if doc.amount_due > 0:
        ubl = build_ubl(doc)
        assert xpath(ubl, "/*/cbc:DueDate | /*/cac:PaymentMeans/cbc:PaymentDueDate | /*/cac:PaymentTerms/cbc:Note")


def test_the_bench_generator_is_deterministic_and_varied():
    first, again = random_documents(40, seed=7), random_documents(40, seed=7)
    assert first == again
    assert [build_ubl(doc) for doc in first] == [build_ubl(doc) for doc in again]
    assert random_documents(40, seed=8) != first
    kinds = {(doc.kind, doc.buyer_is_business, doc.payment.means_code) for doc in first}
    assert len(kinds) >= 6
    assert any(doc.total_net < 0 for doc in random_documents(200, seed=7))  # late-usage credits can win
    assert any(line.unit_price.as_tuple().exponent == -6 for doc in first for line in doc.lines)
    assert max(len(doc.lines) for doc in first) > 30 and Decimal(0) not in {doc.total_gross for doc in first}
