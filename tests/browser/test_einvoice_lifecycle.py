"""A business customer follows an e-invoice in a browser, on a phone and at a desk: from the invoice
list to the invoice, its lifecycle on the plateforme agréée (deposited, received, refused with the
reason, then collected) and the UBL download. Screenshots go to $TELCOBILL_SCREENSHOTS (default: tmp)."""

import json
import os
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import expect

from telcobill.billing.models import Invoice
from telcobill.customers.models import Role
from telcobill.documents.models import Platform
from telcobill.documents.services import delivery as deliveries
from telcobill.payments.services import ledger
from telcobill.workflows.einvoicing import report_paid
from telcobill.workflows.lines import activate_line
from tests.browser.conftest import sign_in
from tests.browser.test_line_changes import WIDTHS
from tests.factories import make_business
from tests.portal.personas import person

UBL_ID = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}ID"


@pytest.fixture
def invoice(transactional_db, catalogue, bill, tmp_path):
    platform = Platform.objects.create(code="pa-test", name="PA de test", exchange_dir=str(tmp_path / "pa"),
                                       is_default=True)
    company = make_business("Menuiserie Atlantique SAS")
    company.einvoice_syntax = "ubl"
    company.save()
    activate_line(account=company, msisdn="0698765432", plan_code="PRO", on=date(2026, 10, 1))
    bill("2026-11")
    document = Invoice.objects.get(billing_account=company)
    folder = Path(platform.exchange_dir) / "statuses"
    folder.mkdir(parents=True)
    for code, at, extra in [("202", "2026-11-01T07:09:00+01:00", {}), ("203", "2026-11-01T07:40:00+01:00", {}),
                            ("207", "2026-11-03T09:30:00+01:00", {"reason": "Nombre de lignes à vérifier"})]:
        (folder / f"{code}.json").write_text(json.dumps({"message_id": f"PA-{code}", "document": document.number,
                                                         "status": code, "at": at, **extra}))
    deliveries.read_statuses()
    ledger.record_payment(company, amount=document.total_gross, on=date(2026, 11, 20), method="transfer",
                          reference="VIR-1", label="Virement")
    report_paid()
    person("direction@menuiserie-atlantique.example", company.customer, Role.HOLDER)
    return document


@pytest.mark.parametrize("width", WIDTHS)
def test_a_business_customer_follows_the_e_invoice_and_downloads_its_ubl(browser, live_server, invoice, width,
                                                                          tmp_path):
    shots = Path(os.environ.get("TELCOBILL_SCREENSHOTS", tmp_path))
    page = browser.new_context(locale="fr-FR", viewport=WIDTHS[width], accept_downloads=True).new_page()
    sign_in(page, live_server.url, "direction@menuiserie-atlantique.example")
    page.get_by_role("navigation").get_by_role("link", name="Factures et paiements").click()
    page.get_by_role("link", name=f"Facture {invoice.number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Facture {invoice.number}")

    section = page.get_by_role("region", name="Facture électronique")
    expect(section).to_contain_text("Transmise via PA de test, au format UBL 2.1.")
    steps = section.get_by_role("listitem")
    expect(steps).to_have_count(5)
    expect(steps.nth(0)).to_contain_text("Déposée")
    expect(steps.nth(3)).to_contain_text("En litige")
    expect(steps.nth(3)).to_contain_text("Motif : Nombre de lignes à vérifier")
    expect(steps.nth(4)).to_contain_text("Encaissée")
    expect(steps.nth(4)).to_contain_text(f"{invoice.total_gross:.2f}".replace(".", ","))
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"einvoice-lifecycle-{width}.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="UBL (XML)").click()
    root = etree.fromstring(Path(download.value.path()).read_bytes())
    assert root.findtext(UBL_ID) == invoice.number
