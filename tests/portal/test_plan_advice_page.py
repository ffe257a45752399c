"""Conseil forfait in the customer space and the app: the advice computed after the bill run,
shown on its page, on the line's page and as a home alert; read-only for an accountant, refused
to a line user, 404 for a stranger."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from telcobill.customers.models import Role
from telcobill.usage.models import PlanAdvice
from tests.portal.personas import person
from tests.portal.test_api import token_for

MONTHS = ["2026-08-01", "2026-09-01", "2026-10-01"]


def _offer(plan, options, current, monthly_fees, monthly_usage):
    monthly = [{"month": m, "fees": fees, "usage": usage, "total": str(Decimal(fees) + Decimal(usage))}
               for m, fees, usage in zip(MONTHS, monthly_fees, monthly_usage, strict=True)]
    return {"plan": plan, "options": options, "current": current, "monthly": monthly,
            "total": str(sum(Decimal(m["total"]) for m in monthly))}


@pytest.fixture
def advised(family, time_machine):
    """Camille's line on Forfait S pays for calls out of plan: Forfait L would have covered them."""
    time_machine.move_to("2026-11-16 10:00+01:00")
    current = _offer("PLAN-S", [], True, ["9.99", "10.99", "10.99"], ["12.00", "15.50", "9.48"])
    best = _offer("PLAN-L", [], False, ["19.99"] * 3, ["0.00"] * 3)
    return PlanAdvice.objects.create(
        line=family[1], computed_at=datetime(2026, 11, 1, 6, tzinfo=UTC), months=MONTHS, includes_vat=True,
        current_total=Decimal(current["total"]), best_total=Decimal(best["total"]), best_plan="PLAN-L",
        best_options=[], choices=[best, _offer("PLAN-L", ["OPT-X"], False, ["22.99"] * 3, ["0.00"] * 3), current])


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


def test_the_holder_reads_what_she_would_have_paid_and_goes_to_the_change(advised, family, holder, signed_in):
    client = signed_in(holder)
    page = text(client.get(reverse("portal:line_advice", args=[family[1].pk])))
    # 9.99 + 12.00, 10.99 + 15.50, 10.99 + 9.48 = 68.95 on Forfait S; 3 x 19.99 = 59.97 on Forfait L.
    assert "Avec Forfait L, vous auriez payé moins" in page
    assert "59,97 € au lieu de 68,95 €" in page
    assert "8,98 € d’économie sur 3 mois, soit 2,99 € par mois." in page
    assert "D’après votre consommation réelle (août 2026 – octobre 2026)" in page
    assert f'href="/lignes/{family[1].pk}/forfait/?forfait=PLAN-L"' in page
    assert "Forfait L + Option International" in page and "68,97 €" in page and "0,02 € de plus" in page
    assert "votre offre" in page and "Calculé le 1 nov. 2026, après la dernière facture." in page

    assert "Avec Forfait L, vous auriez économisé 2,99 € par mois." in text(
        client.get(reverse("portal:line", args=[family[1].pk])))
    assert "Ligne 06 12 34 56 78 : avec Forfait L, vous auriez économisé 2,99 € par mois." in text(
        client.get(reverse("portal:home")))

    client.cookies["django_language"] = "en"
    page = text(client.get(reverse("portal:line_advice", args=[family[1].pk])))
    assert "With Forfait L, you would have paid less" in page
    assert "€8.98 saved over 3 months, €2.99 a month." in page


def test_a_saving_under_the_threshold_is_not_pushed(advised, family, holder, signed_in, settings):
    settings.USAGE = {**settings.USAGE, "advice_min_saving": "3.00"}
    client = signed_in(holder)
    page = text(client.get(reverse("portal:line_advice", args=[family[1].pk])))
    assert "Votre offre actuelle est la mieux adaptée à votre consommation" in page
    assert "Aucune autre offre ne vous aurait fait économiser au moins 3,00 € par mois." in page
    assert "forfait=PLAN-L" not in page
    assert "vous auriez économisé" not in text(client.get(reverse("portal:home")))


def test_before_three_months_the_page_says_so(family, holder, signed_in):
    page = text(signed_in(holder).get(reverse("portal:line_advice", args=[family[1].pk])))
    assert "Pas encore de conseil pour cette ligne : il faut au moins 3 mois complets de consommation facturée." in page


def test_the_accountant_reads_it_without_the_change_button(advised, family, signed_in):
    client = signed_in(person("nora.benali@example.org", family[0].customer, Role.ACCOUNTANT))
    response = client.get(reverse("portal:line_advice", args=[family[1].pk]))
    assert response.status_code == 200 and "59,97 €" in text(response)
    assert "Voir l’effet de ce changement" not in text(response)


def test_the_app_reads_the_advice_with_the_same_rights(advised, client, family, holder, stranger):
    def get(who, line):
        token = token_for(client, who.email).json()["token"]
        return client.get(f"/api/v1/app/lines/{line.pk}/advice", HTTP_AUTHORIZATION=f"Bearer {token}")

    body = get(holder, family[1]).json()
    assert (body["months"], body["includes_vat"], body["worth_it"], body["saving"], body["monthly_saving"]) == (
        MONTHS, True, True, "8.98", "2.99")
    assert [(o["name"], o["current"], o["total"], o["saving"]) for o in body["offers"]] == [
        ("Forfait L", False, "59.97", "8.98"),
        ("Forfait L + Option International", False, "68.97", "-0.02"),
        ("Forfait S", True, "68.95", "0.00")]
    assert get(stranger, family[1]).status_code == 404
    user = person("leo.martin@example.org", family[0].customer, Role.LINE_USER, line=family[1])
    assert get(user, family[1]).status_code == 403
    PlanAdvice.objects.all().delete()
    assert get(holder, family[1]).json()["detail"].startswith("no plan advice for this line yet")
