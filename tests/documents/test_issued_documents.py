"""Every issued document is a Factur-X PDF/A-3b whose embedded XML is the stored one, and that XML
passes the XSD, EN 16931 / Factur-X and BR-FR rules with zero fatal asserts."""

import hashlib
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from telcobill.billing.models import Invoice
from telcobill.documents.models import DocumentFile
from telcobill.documents.pdf import pdfa_markers, read_back
from telcobill.documents.services.render import pdf_of
from telcobill.documents.validation import fatal, validate_cii
from telcobill.workflows.lines import activate_line, add_option
from tests.factories import make_business, make_individual


@pytest.fixture
def issued(catalogue, bill):
    person = make_individual("Léa Dubois")
    company = make_business("Menuiserie Atlantique SAS")
    activate_line(account=person, msisdn="0612345678", plan_code="PLAN-L", on=date(2026, 10, 12))
    line = activate_line(account=company, msisdn="0698765432", plan_code="PRO", on=date(2026, 10, 1))
    activate_line(account=company, msisdn="0698765433", plan_code="PRO", on=date(2026, 10, 20))
    add_option(line=line, option_code="OPT-X", on=date(2026, 10, 5))
    bill("2026-11")
    return Invoice.objects.get(billing_account=person), Invoice.objects.get(billing_account=company)


def test_the_pdf_carries_the_stored_xml_as_factur_x(issued):
    for invoice in issued:
        stored = bytes(DocumentFile.objects.get(invoice=invoice).xml)
        pdf = pdf_of(invoice.number)
        assert read_back(pdf) == stored
        markers = pdfa_markers(pdf)
        assert (markers["pdfaid:part"], markers["pdfaid:conformance"]) == ("3", "B")
        assert markers["fx:ConformanceLevel"] == "EN 16931"
        assert markers["fx:DocumentFileName"] == "factur-x.xml"


def test_the_stored_xml_passes_every_rule_set(issued):
    for invoice in issued:
        failures = validate_cii(bytes(DocumentFile.objects.get(invoice=invoice).xml))
        assert fatal(failures) == []


def test_the_rendered_file_is_kept_with_its_sha256(issued):
    file = DocumentFile.objects.get(invoice=issued[1])
    data = (Path(settings.DOCUMENTS_DIR) / file.pdf_path).read_bytes()
    assert file.pdf_path == f"2026/11/{issued[1].number}.pdf"
    assert hashlib.sha256(data).hexdigest() == file.pdf_sha256


def test_the_xml_says_what_the_invoice_says(issued):
    _, company = issued
    xml = bytes(DocumentFile.objects.get(invoice=company).xml).decode()
    assert f"<ram:ID>{company.number}</ram:ID>" in xml
    assert f"<ram:GrandTotalAmount>{company.total_gross}</ram:GrandTotalAmount>" in xml
    assert "<ram:TaxBasisTotalAmount>" in xml and str(company.total_net) in xml
    assert company.buyer["siren"] in xml


def test_the_cli_writes_the_pdf_and_prints_the_xml(issued, tmp_path, capsysbinary):
    invoice = issued[0]
    target = tmp_path / "facture.pdf"
    call_command("invoice", "pdf", invoice.number, "-o", str(target))
    assert read_back(target.read_bytes()) == bytes(DocumentFile.objects.get(invoice=invoice).xml)
    capsysbinary.readouterr()
    call_command("invoice", "xml", invoice.number)
    assert capsysbinary.readouterr().out == bytes(DocumentFile.objects.get(invoice=invoice).xml)


def test_the_cli_refuses_an_unknown_number_with_exit_2(db):
    with pytest.raises(CommandError, match="no issued document numbered F2099-000001") as raised:
        call_command("invoice", "pdf", "F2099-000001", "-o", "/tmp/x.pdf")
    assert raised.value.returncode == 2
