"""The collections team in a real browser: the dashboard's "Recouvrement" box, the dunning queue
where a suspension is approved, a transfer assigned to its account, and receivables by age with
their chart. Screenshots go to /tmp/bo-*.png (looked at when the pages change)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from telcobill.customers.models import ProvisioningOrder
from telcobill.payments.models import DunningStatus, TransferStatus
from telcobill.payments.services import ledger
from telcobill.payments.services.dunning import install_default_steps, run_dunning
from telcobill.workflows.lines import activate_line
from tests.backoffice.recovery import PASSWORD, invoices, late_payer, recovery_staff, unmatched_transfer
from tests.factories import make_business


@pytest.fixture
def books(transactional_db, catalogue, bill, tmp_path):
    """Marc has paid nothing since September; Camille and Louis not November; a business is billed
    in December; a transfer of 21,98 € from "L GARNIER" names no invoice. Dunning ran on 16/12."""
    install_default_steps()  # a migration's rows: an earlier transactional test's flush removed them
    marc = late_payer(bill, name="Marc Dubois", msisdn="0601020304", cycles=("2026-09", "2026-10"),
                      since=date(2026, 9, 1))
    camille = late_payer(bill, cycles=())
    louis = late_payer(bill, name="Louis Garnier", msisdn="0698765432", cycles=("2026-11",))
    business = make_business()
    activate_line(account=business, msisdn="0611111111", plan_code="PLAN-S", on=date(2026, 12, 1), sim_fee=None)
    bill("2026-12")
    run_dunning(date(2026, 12, 16))
    transfer = unmatched_transfer(tmp_path, amount="21.98", reference="factures nov et dec", debtor="L GARNIER",
                                  booked="2026-12-17")
    recovery_staff("recouvrement@operateur.example")
    return {"marc": marc, "camille": camille, "louis": louis, "transfer": transfer}


def shot(page, name):
    page.screenshot(path=f"/tmp/bo-{name}.png", full_page=True)


def test_staff_approve_a_suspension_assign_a_transfer_and_read_receivables(browser, live_server, books):
    traveller = time_machine.travel(datetime(2026, 12, 18, 9, 30, tzinfo=UTC), tick=True)
    traveller.start()
    try:
        _walk(browser, live_server, books)
    finally:
        traveller.stop()


def _walk(browser, live_server, books):
    page = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Adresse e-mail ou numéro de mobile").fill("recouvrement@operateur.example")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    assert page.url == live_server.url + "/admin/"

    # The dashboard says what waits: five suspension proposals, one transfer.
    box = page.locator("#recovery-module")
    assert box.locator("tr", has_text="Suspensions à décider").inner_text().split() == [
        "Suspensions", "à", "décider", "5"]
    assert box.locator("tr", has_text="Virements à rapprocher").inner_text().split()[-1] == "1"
    shot(page, "dashboard")

    # The dunning queue: Camille's November invoice, 32 days late, approved.
    box.get_by_role("link", name="Suspensions à décider").click()
    camille_invoice = invoices(books["camille"])[0]  # November
    row = page.locator("#result_list tbody tr", has_text=camille_invoice.number)
    expect(row.locator("td.field-days_late")).to_have_text("32")
    expect(row.locator("td.field-amount_due_")).to_have_text("10,99\u00a0€")
    shot(page, "dunning-queue")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Approuver la suspension")
    page.locator("button[name=index]").click()
    assert (f"{camille_invoice.number} : suspension approuvée, 1 ordre(s) de suspension envoyé(s) au réseau "
            "(+33612345678).") in page.locator("ul.messagelist").inner_text()
    shot(page, "dunning-approved")
    assert ProvisioningOrder.objects.get().line.msisdn == "+33612345678"
    assert camille_invoice.dunning.get(step__code="suspension-30").status == DunningStatus.APPROVED

    # The transfer from "L GARNIER": Louis's account, its open invoices, assigned.
    page.goto(live_server.url + "/admin/")
    page.locator("#recovery-module").get_by_role("link", name="Virements à rapprocher").click()
    page.get_by_role("link", name="Affecter…").click()
    page.get_by_label("Compte de facturation").fill(books["louis"].number)
    page.get_by_role("button", name="Afficher ses factures ouvertes").click()
    listed = page.locator("#open-invoices").inner_text()
    assert all(i.number in listed for i in invoices(books["louis"])) and "21,98\u00a0€" in listed
    shot(page, "transfer-assign")
    page.get_by_role("button", name="Affecter le virement").click()
    assert (f"Virement de 21,98\u00a0€ affecté au compte {books['louis'].number}. Solde du compte : 0,00\u00a0€."
            in page.locator("ul.messagelist").inner_text())
    shot(page, "transfer-assigned")
    books["transfer"].refresh_from_db()
    assert books["transfer"].status == TransferStatus.MATCHED
    assert ledger.balance(books["louis"]) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("0.00"))

    # Receivables by age on 18/12: Marc's four months and Camille's two, the business's not due yet.
    page.goto(live_server.url + "/admin/")
    page.locator("#recovery-module").get_by_role("link", name="Créances par ancienneté").click()
    assert page.locator("svg.bo-chart title").first.text_content() == "Créances par ancienneté au 18/12/2026"
    buckets = [r.inner_text().split("\t") for r in page.locator("#buckets tbody tr").all()]
    # Marc: September (93 days late), October (63), November (32), December (2); Camille: November
    # and December; the business: December, due 31/12. Seven invoices of 10,99 €, 76,93 €.
    assert buckets == [
        ["Non échu", "1", "10,99\u00a0€", "14,3 %"], ["1 à 30 jours", "2", "21,98\u00a0€", "28,6 %"],
        ["31 à 60 jours", "2", "21,98\u00a0€", "28,6 %"], ["61 à 90 jours", "1", "10,99\u00a0€", "14,3 %"],
        ["Plus de 90 jours", "1", "10,99\u00a0€", "14,3 %"]]
    assert page.locator("#buckets tfoot").inner_text().split("\t") == ["Total", "7", "76,93\u00a0€", "100 %"]
    expect(page.locator("#reconciliation")).to_contain_text("Les écritures se rapprochent au centime")
    shot(page, "receivables")
    page.get_by_role("textbox", name="Situation au").fill("2026-11-20")
    page.get_by_role("button", name="Afficher").click()
    assert page.url.endswith("?on=2026-11-20")
    shot(page, "receivables-past")
