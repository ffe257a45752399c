"""What staff see of payments: a collection returned for insufficient funds and presented again,
with its history, and the month's pain.008 batch to download."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from telcobill.customers.models import Person
from telcobill.payments.models import Collection
from telcobill.payments.services.bank import import_bank_file
from telcobill.payments.services.collections import collect
from telcobill.payments.services.mandates import create_mandate
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.payments.test_bank_files import camt054

PASSWORD = "correct horse battery staple"


@pytest.fixture
def returned(transactional_db, catalogue, bill, settings, tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path / "sepa"}
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    create_mandate(account, iban="FR7630006000011234567890189", holder="Camille Martin", street="8 rue des Lilas",
                   postcode="69003", city="Lyon", channel="web")
    bill("2026-11")
    with time_machine.travel(datetime(2026, 11, 14, 18, tzinfo=UTC), tick=False):
        collect(date(2026, 11, 15))
    collection = Collection.objects.get()
    path = tmp_path / "retour.xml"
    path.write_bytes(camt054(("DBIT", "2026-11-18", collection.end_to_end_id, "10.99", "AM04")))
    import_bank_file(path)
    Person.objects.create_superuser("staff@example.org", PASSWORD)
    return collection


def test_staff_follow_a_returned_debit_and_download_the_batch(browser, live_server, returned, tmp_path):
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Adresse e-mail ou numéro de mobile").fill("staff@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.goto(live_server.url + f"/admin/payments/collection/{returned.pk}/change/")
    history = page.locator("table").last.inner_text()
    assert "Présenté" in history and "Rejeté" in history and "AM04" in history and "Représenté" in history
    assert f"{returned.end_to_end_id}-2" in page.content()
    page.screenshot(path=str(tmp_path / "collection.png"), full_page=True)

    page.goto(live_server.url + "/admin/payments/collectionbatch/")
    with page.expect_download() as download:
        page.get_by_role("link", name="pain.008 (XML)").click()
    assert download.value.suggested_filename.endswith(".xml")
    page.screenshot(path=str(tmp_path / "batches.png"), full_page=True)
