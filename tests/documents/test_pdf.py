"""The printable invoice: a Factur-X PDF/A-3b a French customer can read. Pure: no database."""

from __future__ import annotations

import dataclasses
import io
import re
from decimal import Decimal

import facturx
import pikepdf
import pypdf
import pytest

from telcobill.documents.pdf import add_facturx_metadata, pdfa_markers, read_back, render_page, render_pdf
from telcobill.documents.sample import _line, sample_document, vat_breakdown

# A CII root is all the factur-x reader needs to recognise the flavour; the content is ours.
XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">'
    "<!-- Élodie & Zoë: «accents» and € must come back byte for byte --></rsm:CrossIndustryInvoice>\n"
).encode()

SAMPLES = {
    "business": dict(business=True),
    "individual": dict(business=False),
    "credit_note": dict(business=True, credit_note=True),
    "english": dict(business=False, language="en", direct_debit=False),
}
SPACE = "[\u00a0\u202f ]"  # what babel puts inside and before an amount


@pytest.fixture(scope="module")
def rendered():
    return {name: render_pdf(sample_document(**kwargs), XML) for name, kwargs in SAMPLES.items()}


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def money(text: str) -> str:
    """'1 234,56 €' as a pattern that accepts the no-break spaces babel writes."""
    return SPACE.join(re.escape(part) for part in re.split(SPACE, text))


def fifty_line_business_document():
    base = sample_document(business=True)
    lines, number = [], 0
    for i in range(50):
        msisdn = f"+3361234{i:04d}"
        for section, description, quantity, unit, price in (
            ("plan_options", "Forfait Pro 100 Go — septembre 2026", "1", "MON", "24.99"),
            ("communications", "Appels vers l'international hors forfait (Maroc)", str(3 + i), "MIN", "0.35"),
        ):
            number += 1
            lines.append(_line(number, section, description, quantity, unit, price, msisdn=msisdn))
    vat_totals = vat_breakdown(lines)
    net = sum((line.net_amount for line in lines), Decimal("0.00"))
    vat = sum((v.amount for v in vat_totals), Decimal("0.00"))
    return dataclasses.replace(base, lines=tuple(lines), vat_totals=vat_totals, total_net=net,
                               total_vat=vat, total_gross=net + vat, amount_due=net + vat)


@pytest.mark.parametrize("name", SAMPLES)
def test_it_is_a_pdfa_3b_with_the_facturx_en16931_properties(rendered, name):
    assert pdfa_markers(rendered[name]) == {
        "pdfaid:part": "3",
        "pdfaid:conformance": "B",
        "fx:DocumentType": "INVOICE",
        "fx:DocumentFileName": "factur-x.xml",
        "fx:Version": "1.0",
        "fx:ConformanceLevel": "EN 16931",
    }


def test_the_xmp_describes_the_facturx_extension_schema_once(rendered):
    with pikepdf.open(io.BytesIO(rendered["business"])) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert pdf.check_pdf_syntax() == []  # the metadata update appended to Typst's file is well-formed
    assert xmp.count("<pdfaExtension:schemas>") == 1
    assert "<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#<" in xmp
    assert "<pdfaSchema:prefix>fx</pdfaSchema:prefix>" in xmp


def test_a_file_with_a_cross_reference_stream_gets_its_metadata_by_a_full_rewrite():
    with pikepdf.open(io.BytesIO(render_page(sample_document(business=False), XML))) as pdf:
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)  # xref stream, not table
    updated = add_facturx_metadata(out.getvalue())
    assert pdfa_markers(updated)["fx:ConformanceLevel"] == "EN 16931"
    assert read_back(updated) == XML


@pytest.mark.parametrize("name", SAMPLES)
def test_the_facturx_reader_returns_exactly_the_xml_given(rendered, name):
    assert facturx.get_xml_from_pdf(rendered[name], check_xsd=False) == ("factur-x.xml", XML)
    assert read_back(rendered[name]) == XML


def test_the_xml_is_attached_as_the_alternative_text_xml_representation(rendered):
    with pikepdf.open(io.BytesIO(rendered["business"])) as pdf:
        (filespec,) = pdf.Root.AF
        assert filespec.AFRelationship == pikepdf.Name.Alternative
        assert str(filespec.UF) == "factur-x.xml"
        assert filespec.EF.F.Subtype == pikepdf.Name("/text/xml")
        assert pdf.Root.Names.EmbeddedFiles.Names[0] == "factur-x.xml"


def test_the_page_shows_number_amount_due_siren_and_business_mentions(rendered):
    text = text_of(rendered["business"])
    assert "F2026-000123" in text
    assert re.search(rf"Montant à payer\s+{money('113,32 €')}", text)
    assert "SIREN 732829320" in text  # the seller, in the legal footer
    assert "812345676" in text  # the business customer's SIREN
    assert "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €" in text
    assert "Pas d'escompte pour paiement anticipé" in text
    assert "TVA acquittée sur les débits" in text
    assert "Opération\u00a0: prestations de services" in text


def test_an_individual_reads_ttc_amounts_and_no_business_mentions(rendered):
    text = text_of(rendered["individual"])
    assert re.search(rf"Montant à payer\s+{money('32,03 €')}\s+TTC", text)
    assert "Montant TTC" in text  # the column a consumer reads
    assert "Indemnité forfaitaire" not in text
    assert "Pénalités de retard" not in text


def test_the_detail_follows_the_telecom_sections_in_order(rendered):
    text = text_of(rendered["individual"])
    positions = [text.index(title) for title in ("Forfaits et options", "Communications", "Services de tiers")]
    assert positions == sorted(positions)
    assert "Détail de la ligne 06 12 34 56 78" in text
    assert "du 1 au 30 sept. 2026" in text


def test_a_direct_debit_says_when_and_from_which_account(rendered):
    text = text_of(rendered["business"])
    assert "Prélevé le 15 oct. 2026 sur le compte FR76 •••• 6769" in text
    assert "RUM TBM-MDT-2025-004821 · ICS FR83ZZZ582941" in text
    assert "Ligne 06 12 34 56 78" in text


def test_a_credit_note_cites_the_invoice_it_corrects_and_why(rendered):
    text = text_of(rendered["credit_note"])
    assert text.startswith("Telcobill Mobile SAS") and "Avoir" in text and "AV2026-000045" in text
    assert "Avoir relatif à la facture F2026-000123 du 1 oct. 2026" in text
    assert "Motif : Geste commercial" in text


def test_an_english_document_uses_english_words_and_formats(rendered):
    text = text_of(rendered["english"])
    assert "Invoice" in text and "Amount due" in text and "Plans and options" in text
    assert "€32.03" in text
    assert "To pay by bank transfer before 31 Oct 2026" in text
    assert "Facture" not in text


def test_the_customer_address_sits_in_the_right_window_of_a_dl_envelope(rendered):
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip() == "Atelier Lumière SARL":
            found.append((cm[4], cm[5]))

    page = pypdf.PdfReader(io.BytesIO(rendered["business"])).pages[0]
    page.extract_text(visitor_text=visit)
    ((x, y),) = found
    mm = 25.4 / 72
    assert 108 <= x * mm <= 112
    assert 45 <= (float(page.mediabox.height) - y) * mm <= 58  # baseline of the first line


def test_customer_text_full_of_typst_syntax_is_printed_literally():
    name = '#set text(red) $x^2$ *a* _b_ `c` <d> @e [f] {g} \\h // i /* j */'
    doc = sample_document(business=True)
    doc = dataclasses.replace(
        doc,
        buyer=dataclasses.replace(doc.buyer, name=name),
        lines=(dataclasses.replace(doc.lines[0], description=f"Option {name}"),) + doc.lines[1:],
    )
    text = text_of(render_pdf(doc, XML))
    compact = re.sub(r"\s+", "", text)
    assert compact.count(re.sub(r"\s+", "", name)) == 2


def test_a_name_in_a_script_the_font_lacks_still_renders_with_a_replacement_mark():
    doc = sample_document(business=False)
    doc = dataclasses.replace(doc, buyer=dataclasses.replace(doc.buyer, name="王小明 Łukasz Иван"))
    text = text_of(render_pdf(doc, XML))
    assert "\ufffd\ufffd\ufffd Łukasz Иван" in text


def test_the_real_cii_of_each_sample_travels_inside_and_passes_the_facturx_xsd_check():
    build_cii = pytest.importorskip("telcobill.documents.cii").build_cii
    for kwargs in SAMPLES.values():
        doc = sample_document(**kwargs)
        xml = build_cii(doc)
        assert facturx.get_xml_from_pdf(render_pdf(doc, xml)) == ("factur-x.xml", xml)


def test_fifty_lines_paginate_with_headers_footer_and_totals_on_the_last_page():
    doc = fifty_line_business_document()
    pages = pages_text(render_pdf(doc, XML))
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert f"Page {number}/{len(pages)}" in text
        assert "SIREN 732829320" in text
    for text in pages[1:]:
        assert "Facture F2026-000123 · N° de compte CF-0048213" in text  # running header
    for text in pages[2:-1]:
        assert "Description Période Qté PU HT Montant HT TVA" in text  # repeated table header
    assert "Ligne 06 12 34 00 49" in "".join(pages)
    assert doc.total_gross == Decimal("2076.90")
    assert re.search(rf"Total TTC\s+{money('2 076,90 €')}", pages[-1])
    assert "Détail de la TVA" in pages[-1]
    assert "2\u202f076,90\u00a0€" in pages[-1]  # babel's narrow no-break space, kept by the PDF
