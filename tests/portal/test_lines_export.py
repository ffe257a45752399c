"""The per-line charges export for the accountant: a CSV French spreadsheets open as it is (`;`,
decimal comma, UTF-8 with a BOM), per line and invoice, excl. VAT, VAT, incl. VAT, cost centre."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from telcobill.billing.models import Invoice
from telcobill.customers.models import Role
from tests.portal.lines_fleet import make_fleet

HEADER = "Mois;Date du document;Document;Numéro;Compte de facturation;Ligne;Libellé;Centre de coûts;Montant HT;TVA;" \
         "Montant TTC"


@pytest.fixture
def fleet(catalogue, bill, time_machine):
    made = make_fleet(bill)
    time_machine.move_to("2026-11-16 10:00+01:00")
    return made


def test_an_individual_gets_her_line_per_invoice(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    account, _ = family
    response = signed_in(holder).get(reverse("portal:lines_export"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="couts-par-ligne-{account.customer.number}-2026-11-16.csv"')
    september, october, november = Invoice.objects.filter(billing_account=account).order_by("issue_date")
    assert response.content.decode("utf-8") == "\ufeff" + "\r\n".join([
        HEADER,
        f"09/2026;01/09/2026;Facture;{september.number};{account.number};06 12 34 56 78;;;9,16;1,83;10,99",
        f"10/2026;01/10/2026;Facture;{october.number};{account.number};06 12 34 56 78;;;9,16;1,83;10,99",
        f"11/2026;01/11/2026;Facture;{november.number};{account.number};06 12 34 56 78;;;9,16;1,83;10,99",
    ]) + "\r\n"
    last = signed_in(holder).get(reverse("portal:lines_export"), {"factures": "3"}).content.decode()
    assert last.count("\r\n") == 4


def test_the_accountant_exports_a_cost_centre_and_the_whole_fleet_adds_up(fleet, signed_in):
    account, lines, people = fleet
    client = signed_in(people[Role.ACCOUNTANT])
    november = Invoice.objects.get(billing_account=account, cycle="2026-11")

    direction = client.get(reverse("portal:lines_export"), {"centre": "Direction", "factures": "3"})
    rows = list(csv.reader(io.StringIO(direction.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER.split(";")
    assert [row[5] for row in rows[1:]] == [f"06 22 00 00 {i:02d}" for i in (2, 5, 8, 11, 14, 17, 23, 26, 29, 32, 35,
                                                                           38, 41, 44, 47)]
    assert rows[1] == ["11/2026", "01/11/2026", "Facture", november.number, account.number, "06 22 00 00 02",
                       "Salarié 02", "Direction", "20,00", "4,00", "24,00"]
    assert rows[2][5:] == ["06 22 00 00 05", "Salarié 05", "Direction", "16,66", "3,33", "19,99"]

    everything = list(csv.reader(io.StringIO(client.get(reverse("portal:lines_export")).content.decode("utf-8-sig")),
                                 delimiter=";"))[1:]
    assert len(everything) == 50
    assert [r[5:] for r in everything if r[5] == "06 22 00 00 03"] == [
        ["06 22 00 00 03", "Salarié 03", "Atelier", "22,50", "4,50", "27,00"]]
    net = sum(Decimal(r[8].replace(",", ".")) for r in everything)
    assert net == november.total_net == Decimal("969.10")  # 40 × 20,00 + 10 × 16,66 + 2,50
