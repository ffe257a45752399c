"""Change a plan and see the preview, on a phone and at a desk: Mes lignes, the line, the plans on
sale, the price effect on the next invoice (the billing engine's preview), the change confirmed.
Screenshots at both widths are saved to $TELCOBILL_SCREENSHOTS (default: tmp)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from telcobill.customers.models import ProvisioningOrder
from tests.browser.conftest import sign_in
from tests.portal.personas import person

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def camille(transactional_db, family):
    from telcobill.customers.models import Role

    return person("camille.martin@example.org", family[0].customer, Role.HOLDER)


@pytest.mark.parametrize("width", WIDTHS)
def test_change_a_plan_and_see_the_preview(browser, live_server, camille, family, width, tmp_path, time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    shots = Path(os.environ.get("TELCOBILL_SCREENSHOTS", tmp_path))
    page = browser.new_context(locale="fr-FR", viewport=WIDTHS[width]).new_page()
    sign_in(page, live_server.url, "camille.martin@example.org")

    page.get_by_role("navigation").get_by_role("link", name="Mes lignes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes lignes")
    page.screenshot(path=str(shots / f"lines-list-{width}.png"), full_page=True)

    page.get_by_role("link", name="06 12 34 56 78").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ligne 06 12 34 56 78")
    page.screenshot(path=str(shots / f"line-{width}.png"), full_page=True)

    page.get_by_role("link", name="Changer de forfait").click()
    page.get_by_role("radio", name="Forfait L").check()
    page.screenshot(path=str(shots / f"line-plan-choose-{width}.png"), full_page=True)
    page.get_by_role("button", name="Voir l’effet sur ma facture").click()

    preview = page.get_by_role("region", name="Ce qui change sur votre facture")
    summary = preview.inner_text().replace("\u00a0", " ").replace("\u202f", " ")
    for shown in ("19,99 € par mois", "au lieu de 10,99 € par mois", "-5,50 €", "10,00 €", "24,49 €"):
        assert shown in summary, shown
    assert not ProvisioningOrder.objects.exists()
    page.get_by_text("Voir le détail, comme sur la facture").click()
    page.screenshot(path=str(shots / f"line-plan-preview-{width}.png"), full_page=True)

    page.get_by_role("button", name="Confirmer : passer au Forfait L").click()
    assert "passe au Forfait L le 16 nov. 2026" in page.get_by_role("status").first.inner_text().replace("\u00a0", " ")
    expect(page.locator(".facts").get_by_text("Forfait L", exact=True)).to_be_visible()
    page.screenshot(path=str(shots / f"line-plan-done-{width}.png"), full_page=True)
    assert ProvisioningOrder.objects.get(line=family[1]).payload["plan"] == "PLAN-L"
