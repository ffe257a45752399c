"""Receivables by age: the totals per age bucket to the cent, as of the date asked for, drawn as
an SVG chart (no script) and a table, the customers with the most overdue, and the reconciliation."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from telcobill.customers.models import PaymentMethod
from telcobill.payments.models import Method
from telcobill.payments.services import ledger
from telcobill.workflows.lines import activate_line
from tests.backoffice.recovery import invoices, late_payer, recovery_staff
from tests.factories import make_business, make_individual

PAGE = reverse("backoffice:receivables")


@pytest.fixture
def books(catalogue, bill):
    """Camille pays nothing since September but 5,00 € on 1 December; a business billed in December
    (due at 30 days); Louis pays December twice over (9,01 € of credit)."""
    camille = make_individual("Camille Martin", payment_method=PaymentMethod.TRANSFER)
    activate_line(account=camille, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 9, 1), sim_fee=None)
    for cycle in ("2026-09", "2026-10", "2026-11"):
        bill(cycle)
    business = make_business()
    activate_line(account=business, msisdn="0611111111", plan_code="PLAN-S", on=date(2026, 12, 1), sim_fee=None)
    louis = late_payer(bill, name="Louis Garnier", msisdn="0698765432", cycles=("2026-12",), since=date(2026, 12, 1))
    ledger.record_payment(camille, amount=Decimal("5.00"), on=date(2026, 12, 1), method=Method.TRANSFER,
                          reference="VIR-C", label="Virement")
    ledger.record_payment(louis, amount=Decimal("20.00"), on=date(2026, 12, 5), method=Method.CARD,
                          reference="pi_L", label="Carte")
    return {"camille": camille, "business": business, "louis": louis}


@pytest.fixture
def collector(client, db):
    client.force_login(recovery_staff())


def bucket_rows(html: str) -> list[tuple[str, str, str]]:
    table = html[html.index('id="buckets"'):]
    table = table[:table.index("</tbody>")]
    rows = []
    for row in table.split("<tr><th scope=\"row\">")[1:]:
        label, rest = row.split("</th>", 1)
        cells = [c.split("</td>")[0] for c in rest.split('<td class="num">')[1:]]
        rows.append((label, cells[0], cells[1]))
    return rows


def test_the_totals_per_age_bucket_to_the_cent(client, collector, books):
    assert [i.due_date for i in invoices(books["camille"])] == [
        date(2026, 9, 16), date(2026, 10, 16), date(2026, 11, 16), date(2026, 12, 16)]
    html = unescape(client.get(PAGE + "?on=2026-12-20").content.decode())

    # September (95 days late) less the 5,00 € paid; the business's December invoice is due 31/12.
    assert bucket_rows(html) == [
        ("Non échu", "1", "10,99\u00a0€"), ("1 à 30 jours", "1", "10,99\u00a0€"),
        ("31 à 60 jours", "1", "10,99\u00a0€"), ("61 à 90 jours", "1", "10,99\u00a0€"),
        ("Plus de 90 jours", "1", "5,99\u00a0€")]
    assert '<td class="num">5</td>\n          <td class="num">49,95\u00a0€</td>' in html  # the total row
    assert "38,96\u00a0€</strong><span>échu et impayé" in html
    assert "9,01\u00a0€</strong><span>crédit des clients non utilisé" in html


def test_the_chart_is_server_drawn_svg_with_labelled_axes_and_amounts(client, collector, books):
    html = unescape(client.get(PAGE + "?on=2026-12-20").content.decode())
    svg = html[html.index("<svg class=\"bo-chart\""):html.index("</svg>", html.index("<svg class=\"bo-chart\""))]
    assert 'role="img" aria-labelledby="aging-title aging-desc"' in svg
    assert '<title id="aging-title">Créances par ancienneté au 20/12/2026</title>' in svg
    assert ("Non échu : 10,99\u00a0€; 1 à 30 jours : 10,99\u00a0€; 31 à 60 jours : 10,99\u00a0€; 61 à 90 jours : "
            "10,99\u00a0€; Plus de 90 jours : 5,99\u00a0€.") in svg
    assert svg.count("<rect ") == 5 and svg.count('class="bo-chart-amount"') == 5
    assert "Retard après l'échéance" in svg and "Montant TTC restant dû" in svg
    assert "12,50\u00a0€" in svg  # the top gridline: 5 steps of 2,50 €
    assert "<script" not in svg.lower()  # nothing to run, nothing fetched
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_customers_most_overdue_come_first(client, collector, books):
    html = unescape(client.get(PAGE + "?on=2026-12-20").content.decode())
    table = html[html.index('id="top-customers"'):html.index("</table>", html.index('id="top-customers"'))]
    camille = books["camille"].customer
    assert camille.number in table and "Camille Martin" in table and "38,96\u00a0€" in table
    assert "Atelier Dupont" not in table  # nothing late
    assert "Louis Garnier" not in table


def test_a_past_date_shows_the_books_as_they_were(client, collector, books):
    html = unescape(client.get(PAGE + "?on=2026-11-20").content.decode())
    assert bucket_rows(html) == [
        ("Non échu", "0", "0,00\u00a0€"), ("1 à 30 jours", "1", "10,99\u00a0€"),
        ("31 à 60 jours", "1", "10,99\u00a0€"), ("61 à 90 jours", "1", "10,99\u00a0€"),
        ("Plus de 90 jours", "0", "0,00\u00a0€")]
    assert "32,97\u00a0€</strong><span>reste dû sur 3 factures" in html


def test_the_reconciliation_status_is_shown(client, collector, books):
    html = unescape(client.get(PAGE).content.decode())
    assert "Les écritures se rapprochent au centime" in html
    section = html[html.index('id="reconciliation"'):]
    assert "Facturé</th><td class=\"num\">65,94\u00a0€" in section  # 6 invoices of 10,99 €
    assert "Encaissé</th><td class=\"num\">25,00\u00a0€" in section


def test_a_date_that_is_not_one_is_said_and_today_is_shown(client, collector, books):
    response = client.get(PAGE + "?on=2026-13-45")
    assert response.status_code == 400
    assert "Saisissez une date valide." in unescape(response.content.decode())
