from datetime import date
from decimal import Decimal

from telcobill.billing.models import DocumentKind
from telcobill.workflows.lines import activate_line, terminate_line
from tests.billing.conftest import document, lines_of
from tests.factories import make_individual


def test_terminating_inside_the_commitment_charges_the_consumer_code_fee(catalogue, bill):
    account = make_individual()
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-24M", on=date(2026, 1, 1),
                         sim_fee=None)
    assert line.commitment_end == date(2028, 1, 1)
    bill("2026-11")

    charge = terminate_line(line=line, last_day=date(2026, 11, 15), reason="départ chez un autre opérateur")
    bill("2026-12")

    # 2 months left before month 12 in full, then a quarter of the 12 after: 24 × 2 + 24 × 12 / 4
    assert charge.unit_price == Decimal("120.00")
    assert lines_of(document(account, "2026-12")) == [
        ("Forfait 24 mois — remboursement (prorata 15 jours)", "-15", "0.666667", "-10.00"),
        ("Frais de résiliation anticipée (fin d'engagement le 01/01/2028)", "1", "100.000000", "100.00"),
    ]
    assert document(account, "2026-12").total_gross == Decimal("108.00")
    line.refresh_from_db()
    assert (line.status, line.terminated_on) == ("terminated", date(2026, 11, 15))
    assert line.provisioning_orders.get().action == "terminate"


def test_a_termination_that_leaves_a_net_credit_gives_a_credit_note(catalogue, bill):
    account = make_individual()
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-L", on=date(2026, 10, 1),
                         sim_fee=None)
    bill("2026-10")
    bill("2026-11")
    november = document(account, "2026-11")

    terminate_line(line=line, last_day=date(2026, 11, 5), reason="déménagement")
    bill("2026-12")

    note = document(account, "2026-12")
    assert note.kind == DocumentKind.CREDIT_NOTE
    assert note.number == "AV2026-000001"
    assert note.corrects == november
    assert lines_of(note) == [("Forfait L — remboursement (prorata 25 jours)", "25", "0.555278", "13.88")]
    assert (note.total_net, note.total_vat, note.total_gross) == (Decimal("13.88"), Decimal("2.78"), Decimal("16.66"))
