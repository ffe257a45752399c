"""Ma conso in a real browser, on a phone and at a desk: Camille signs in, reads her line this
month, its 13 months as charts, her October calls filtered, downloads them as CSV, and looks at
her alerts and the roaming cap. Screenshots at both widths go to $TELCOBILL_SCREENSHOTS (default:
tmp)."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.portal.usage.conftest import camille, camille_line, story  # noqa: F401 (fixtures)
from tests.usage.conftest import demo_catalogue, source, usage_store  # noqa: F401 (fixtures)

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("width", WIDTHS)
def test_a_customer_follows_their_usage(browser, live_server, transactional_db, story, camille, width,  # noqa: F811
                                        tmp_path):
    shots = Path(os.environ.get("TELCOBILL_SCREENSHOTS", tmp_path))
    page = browser.new_context(locale="fr-FR", viewport=WIDTHS[width], accept_downloads=True).new_page()
    sign_in(page, live_server.url, "camille.martin@example.org")

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Ma conso").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma conso 06\u00a012\u00a034\u00a056\u00a078")
    expect(page.get_by_role("region", name="Hors forfait en novembre 2026")).to_contain_text("2,40\u00a0€")
    allowances = re.sub(r"[ \n]+", " ", page.get_by_role("region", name="Mon forfait en novembre 2026").inner_text())
    assert "Internet mobile 80\u00a0Mo sur 100\u00a0Mo 80\u00a0%" in allowances
    page.wait_for_load_state()  # the stylesheets too
    page.screenshot(path=str(shots / f"usage-line-{width}.png"), full_page=True)

    page.get_by_role("link", name="Historique").click()
    chart = page.get_by_role("img", name="Internet mobile, par mois")
    assert chart.locator("text.value").last.text_content() == "92\u00a0Mo"
    page.wait_for_load_state()
    page.screenshot(path=str(shots / f"usage-history-{width}.png"), full_page=True)

    page.get_by_role("link", name="Détail des communications").first.click()
    page.get_by_label("Mois").select_option("2026-10")
    page.get_by_label("Type").select_option("appels")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r"mois=2026-10&type=appels"))
    expect(page.get_by_role("heading", name="3 communications en octobre 2026")).to_be_visible()
    page.wait_for_load_state()
    page.screenshot(path=str(shots / f"usage-itemized-{width}.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger (CSV)").click()
    assert download.value.suggested_filename == "communications-33612345678-2026-10.csv"
    rows = Path(download.value.path()).read_bytes().decode("utf-8-sig").splitlines()
    assert rows[0] == "date;heure;type;numéro;lieu;quantité;détail;montant HT;montant TTC"
    assert [row.split(";")[-1] for row in rows[1:]] == ["0,00", "0,25", "0,21"]

    page.get_by_role("link", name="Alertes", exact=True).click()
    page.wait_for_load_state()
    page.screenshot(path=str(shots / f"usage-alerts-{width}.png"), full_page=True)
    page.get_by_role("link", name="Lever le plafond").click()
    page.get_by_role("button", name="Confirmer : lever le plafond").click()
    page.get_by_text("Cochez cette case pour confirmer").wait_for()  # said next to the box
    page.wait_for_load_state()
    page.screenshot(path=str(shots / f"usage-roaming-cap-{width}.png"), full_page=True)
