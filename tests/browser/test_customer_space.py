"""What a customer sees of their invoices, on a phone and at a desk: sign in, the home page, the
year's invoices with their status, one opened, its PDF downloaded (and it is that invoice), the
year's ZIP. Screenshots at both widths are saved to $TELCOBILL_SCREENSHOTS (default: tmp)."""

import io
import os
import zipfile
from pathlib import Path

import pytest
from facturx import get_xml_from_pdf
from playwright.sync_api import expect

from telcobill.billing.models import Invoice
from tests.browser.conftest import sign_in
from tests.portal.personas import PASSWORD, person

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def camille(transactional_db, family):
    from telcobill.customers.models import Role

    return person("camille.martin@example.org", family[0].customer, Role.HOLDER)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_customer_finds_and_downloads_their_invoices(browser, live_server, camille, family, width, tmp_path):
    shots = Path(os.environ.get("TELCOBILL_SCREENSHOTS", tmp_path))
    page = browser.new_context(locale="fr-FR", viewport=WIDTHS[width], accept_downloads=True).new_page()
    sign_in(page, live_server.url, "camille.martin@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    expect(page.get_by_role("region", name="Reste à payer")).to_contain_text("32,97\u00a0€")
    page.screenshot(path=str(shots / f"portal-home-{width}.png"), full_page=True)

    page.get_by_role("navigation").get_by_role("link", name="Factures et paiements").click()
    page.get_by_label("Année").select_option("2026")
    page.get_by_role("button", name="Afficher").click()
    november = Invoice.objects.get(billing_account=family[0], cycle="2026-11")
    expect(page.get_by_role("link", name=f"Facture {november.number}")).to_be_visible()
    page.screenshot(path=str(shots / f"portal-invoices-{width}.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger toutes les factures 2026 (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(archive.namelist()) == 3

    page.get_by_role("link", name=f"Facture {november.number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Facture {november.number}")
    page.screenshot(path=str(shots / f"portal-invoice-{width}.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger (PDF)").click()
    assert download.value.suggested_filename == f"facture-{november.number}-2026-11-01.pdf"
    _, xml = get_xml_from_pdf(Path(download.value.path()).read_bytes(), check_xsd=False)
    assert f"<ram:ID>{november.number}</ram:ID>".encode() in xml


def test_a_customer_with_only_a_mobile_signs_in_with_it(browser, live_server, family, tmp_path):
    from telcobill.customers.models import Access, Person, Role

    karim = Person.objects.create_user(None, PASSWORD, mobile="+33698765432", first_name="Karim")
    Access.objects.create(person=karim, customer=family[0].customer, role=Role.HOLDER)
    page = browser.new_context(locale="fr-FR", viewport=WIDTHS["phone"]).new_page()
    sign_in(page, live_server.url, "06 98 76 54 32")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Karim")
    expect(page.get_by_role("region", name="Reste à payer")).to_contain_text("32,97\u00a0€")
