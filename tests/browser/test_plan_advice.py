"""Conseil forfait in a browser, on a phone and at a desk: the home alert, the advice with its
table and month-by-month detail, then the plan change it suggests, previewed. Screenshots at
both widths are saved to $TELCOBILL_SCREENSHOTS (default: tmp)."""

import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from telcobill.usage.models import PlanAdvice
from tests.browser.conftest import sign_in
from tests.browser.test_line_changes import WIDTHS
from tests.portal.personas import person
from tests.portal.test_plan_advice_page import MONTHS, _offer


@pytest.fixture
def camille(transactional_db, family):
    from telcobill.customers.models import Role

    current = _offer("PLAN-S", [], True, ["9.99", "10.99", "10.99"], ["12.00", "15.50", "9.48"])
    best = _offer("PLAN-L", [], False, ["19.99"] * 3, ["0.00"] * 3)
    PlanAdvice.objects.create(
        line=family[1], computed_at=datetime(2026, 11, 1, 6, tzinfo=UTC), months=MONTHS, includes_vat=True,
        current_total=Decimal(current["total"]), best_total=Decimal(best["total"]), best_plan="PLAN-L",
        best_options=[], choices=[best, _offer("PLAN-L", ["OPT-X"], False, ["22.99"] * 3, ["0.00"] * 3), current])
    return person("camille.martin@example.org", family[0].customer, Role.HOLDER)


@pytest.mark.parametrize("width", WIDTHS)
def test_read_the_advice_and_preview_the_plan_it_suggests(browser, live_server, camille, family, width, tmp_path,
                                                          time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    shots = Path(os.environ.get("TELCOBILL_SCREENSHOTS", tmp_path))
    page = browser.new_context(locale="fr-FR", viewport=WIDTHS[width]).new_page()
    sign_in(page, live_server.url, "camille.martin@example.org")

    alert = page.get_by_role("status").filter(has_text="vous auriez économisé")
    assert alert.inner_text().replace("\u00a0", " ").startswith(
        "Ligne 06 12 34 56 78 : avec Forfait L, vous auriez économisé 2,99 € par mois.")
    alert.get_by_role("link", name="Voir le conseil forfait").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Conseil forfait")
    headline = page.get_by_role("region", name="Avec Forfait L, vous auriez payé moins").inner_text()
    assert "59,97 € au lieu de 68,95 €" in headline.replace("\u00a0", " ")
    rows = page.get_by_role("region", name="Les offres comparées").get_by_role("row")
    assert rows.count() == 4  # the header, then the three offers
    page.get_by_text("Voir mois par mois").click()
    page.screenshot(path=str(shots / f"line-advice-{width}.png"), full_page=True)

    page.get_by_role("link", name="Voir l’effet de ce changement").click()
    preview = page.get_by_role("region", name="Ce qui change sur votre facture").inner_text().replace("\u00a0", " ")
    assert "19,99 € par mois" in preview and "24,49 €" in preview
