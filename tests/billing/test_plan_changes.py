"""Upgrade and downgrade in the middle of a month, under the catalogue's policy."""

from datetime import date
from decimal import Decimal

from telcobill.workflows.lines import activate_line, change_plan
from tests.billing.conftest import document, lines_of
from tests.factories import make_individual


def _line_since_september(bill, plan="PLAN-S"):
    account = make_individual()
    line = activate_line(account=account, msisdn="0612345678", plan_code=plan, on=date(2026, 9, 1), sim_fee=None)
    for cycle in ("2026-09", "2026-10", "2026-11"):
        bill(cycle)
    return account, line


def test_an_upgrade_takes_effect_on_the_day_and_credits_the_old_plan(catalogue, bill):
    account, line = _line_since_september(bill)

    effective = change_plan(line=line, plan_code="PLAN-L", requested_on=date(2026, 11, 16))
    bill("2026-12")

    assert effective == date(2026, 11, 16)
    doc = document(account, "2026-12")
    assert lines_of(doc) == [
        ("Forfait L (prorata 15 jours)", "15", "0.555278", "8.33"),
        ("Forfait S — remboursement (prorata 15 jours)", "-15", "0.305278", "-4.58"),
        ("Forfait L", "1", "16.658333", "16.66"),
    ]
    assert (doc.total_net, doc.total_vat, doc.total_gross) == (Decimal("20.41"), Decimal("4.08"), Decimal("24.49"))


def test_a_downgrade_waits_for_the_next_cycle(catalogue, bill):
    account, line = _line_since_september(bill, plan="PLAN-L")

    effective = change_plan(line=line, plan_code="PLAN-S", requested_on=date(2026, 11, 16))
    bill("2026-12")

    assert effective == date(2026, 12, 1)
    assert lines_of(document(account, "2026-12")) == [("Forfait S", "1", "9.158333", "9.16")]


def test_a_plan_change_writes_a_provisioning_order(catalogue, bill):
    _, line = _line_since_september(bill)
    change_plan(line=line, plan_code="PLAN-L", requested_on=date(2026, 11, 16))
    order = line.provisioning_orders.get()
    assert (order.action, order.effective_on, order.payload) == (
        "change_plan", date(2026, 11, 16), {"msisdn": "+33612345678", "plan": "PLAN-L"})
