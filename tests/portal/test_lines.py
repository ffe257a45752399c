"""Mes lignes: every contract in one place, a line found among 50 in seconds, a line's page, its
label and cost centre; each role's rights and never another customer's line."""

from decimal import Decimal

import pytest
from django.urls import reverse

from telcobill.customers.models import AuditEvent, Role
from tests.portal.lines_fleet import make_fleet, number
from tests.portal.personas import person

# Every route of the area with a line id, and what a POST sends there.
LINE_ROUTES = {
    "portal:line": {},
    "portal:line_edit": {"label": "Volé"},
    "portal:line_plan": {"forfait": "PLAN-L"},
    "portal:line_options": {"action": "ajouter", "option": "OPT-X"},
    "portal:line_suspend": {"reason": "vol"},
    "portal:line_advice": {},
}
READ_ONLY = {"portal:line", "portal:line_advice"}  # pages that only read answer no POST


@pytest.fixture
def fleet(catalogue, bill, time_machine):
    made = make_fleet(bill)
    time_machine.move_to("2026-11-16 10:00+01:00")
    return made


def numbers(response) -> list[str]:
    return [row.line.msisdn for row in response.context["page"].object_list]


def test_the_holder_sees_her_line_with_its_plan_commitment_and_last_cost(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    client = signed_in(holder)
    response = client.get(reverse("portal:lines"))
    assert response.status_code == 200
    [row] = response.context["page"].object_list
    assert (row.number, row.plan.name, row.options, row.line.status) == ("06 12 34 56 78", "Forfait S", [], "active")
    assert (row.cost.net, row.cost.gross, row.invoice.cycle) == (Decimal("9.16"), Decimal("10.99"), "2026-11")
    page = response.content.decode().replace("\xa0", " ")
    assert "10,99 €" in page and "Sans engagement" in page and 'href="/lignes/' in page
    assert 'name="q"' not in page  # one line: no search form to get in the way

    response = client.get(reverse("portal:line", args=[family[1].pk]))
    assert response.context["row"].plan.name == "Forfait S" and response.context["can_change"]
    assert "Changer de forfait" in response.content.decode()


def test_a_business_finds_one_line_among_50(fleet, signed_in):
    account, lines, people = fleet
    client = signed_in(people[Role.MANAGER])
    url = reverse("portal:lines")

    response = client.get(url)
    assert (response.context["total"], len(numbers(response)), response.context["page"].paginator.num_pages) == (
        50, 20, 3)
    assert numbers(client.get(url, {"page": 3})) == [f"+33{number(i)[1:]}" for i in range(41, 51)]
    # A number however typed, or a few of its digits; a name without its accents.
    for typed in ("06 22 00 00 42", "+33 6 22 00 00 42", "0042", "helene", "Durand"):
        assert numbers(client.get(url, {"q": typed})) == ["+33622000042"], typed
    assert len(numbers(client.get(url, {"q": "salarie 1"}))) == 10  # Salarié 10 to 19
    assert len(numbers(client.get(url, {"forfait": "PLAN-L"}))) == 10
    assert numbers(client.get(url, {"statut": "suspended"})) == ["+33622000007", "+33622000013"]
    atelier = client.get(url, {"centre": "Atelier", "forfait": "PLAN-L"})
    assert numbers(atelier) == ["+33622000015", "+33622000045"]
    assert "2 lignes sur 50" in atelier.content.decode()
    assert numbers(client.get(url, {"centre": "-"})) == [f"+33{number(i)[1:]}" for i in (10, 20, 30, 40, 50)]
    by_cost = client.get(url, {"tri": "cout"}).context["page"].object_list
    assert [(r.line.msisdn, r.cost.net, r.cost.gross) for r in by_cost[:2]] == [
        ("+33622000003", Decimal("22.50"), Decimal("27.00")), ("+33622000001", Decimal("20.00"), Decimal("24.00"))]
    assert numbers(client.get(url, {"tri": "libelle"}))[0] == "+33622000042"  # Hélène before Salarié
    # The pages keep the search.
    first = client.get(url, {"forfait": "PRO", "tri": "libelle"})
    assert "Page 1 sur 2" in first.content.decode()
    assert "forfait=PRO&amp;tri=libelle&amp;page=2" in first.content.decode()


def test_the_manager_sets_a_label_and_a_cost_centre_audited(fleet, signed_in):
    account, lines, people = fleet
    client = signed_in(people[Role.MANAGER])
    url = reverse("portal:line_edit", args=[lines[42].pk])
    assert 'list="centres"' in client.get(url).content.decode()

    response = client.post(url, {"label": "Hélène Durand-Petit", "cost_centre": "Chantier Nord"})

    assert response["Location"] == reverse("portal:line", args=[lines[42].pk])
    lines[42].refresh_from_db()
    assert (lines[42].label, lines[42].cost_centre) == ("Hélène Durand-Petit", "Chantier Nord")
    event = AuditEvent.objects.get(kind="line.details")
    assert (event.actor, event.data["before"]) == (people[Role.MANAGER], {"label": "Hélène Durand",
                                                                          "cost_centre": "Atelier"})
    too_long = client.post(url, {"label": "x", "cost_centre": "y" * 51})
    assert too_long.status_code == 200 and "au plus 50 caractères" in too_long.content.decode()


def test_the_accountant_reads_and_exports_and_changes_nothing(fleet, signed_in):
    account, lines, people = fleet
    client = signed_in(people[Role.ACCOUNTANT])
    assert len(numbers(client.get(reverse("portal:lines")))) == 20
    assert client.get(reverse("portal:lines_export")).status_code == 200
    page = client.get(reverse("portal:line", args=[lines[1].pk]))
    assert page.status_code == 200 and not page.context["can_change"]
    assert "Changer de forfait" not in page.content.decode()
    for route, data in LINE_ROUTES.items():
        assert client.get(reverse(route, args=[lines[1].pk])).status_code == (
            200 if route in READ_ONLY else 403), route
        assert client.post(reverse(route, args=[lines[1].pk]), data).status_code == (
            405 if route in READ_ONLY else 403), route
    lines[1].refresh_from_db()
    assert (lines[1].status, lines[1].label, lines[1].provisioning_orders.count()) == ("active", "Salarié 01", 0)


def test_a_line_user_is_refused_the_whole_area(family, signed_in):
    account, line = family
    client = signed_in(person("leo.martin@example.org", account.customer, Role.LINE_USER, line=line))
    assert client.get(reverse("portal:lines")).status_code == 403
    assert client.get(reverse("portal:lines_export")).status_code == 403
    for route, data in LINE_ROUTES.items():
        assert client.get(reverse(route, args=[line.pk])).status_code == 403, route
        assert client.post(reverse(route, args=[line.pk]), data).status_code == 403, route
    assert "Mes lignes" not in client.get(reverse("portal:home")).content.decode()


def test_a_stranger_gets_404_on_every_route_with_another_customers_line(family, holder, stranger, signed_in):
    account, line = family
    client = signed_in(stranger)
    for route, data in LINE_ROUTES.items():
        assert client.get(reverse(route, args=[line.pk])).status_code == 404, route
        assert client.post(reverse(route, args=[line.pk]), data).status_code == (
            405 if route in READ_ONLY else 404), route
    assert numbers(client.get(reverse("portal:lines"))) == ["+33698765432"]  # their own only
    assert "0612345678" not in client.get(reverse("portal:lines_export")).content.decode()
    line.refresh_from_db()
    assert (line.status, line.label, line.provisioning_orders.count()) == ("active", "", 0)


def test_the_navigation_shows_mes_lignes(family, holder, signed_in):
    response = signed_in(holder).get(reverse("portal:home"))
    assert f'href="{reverse("portal:lines")}"' in response.content.decode()
