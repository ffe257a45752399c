"""The price effect shown before a plan or option change is what the next bill run then bills:
each preview is checked to the cent against the document the bill run issues after the change."""

from datetime import date
from decimal import Decimal

import pytest

from telcobill.catalogue.models import Subscription
from telcobill.catalogue.offers import Amount
from telcobill.customers.models import ProvisioningOrder
from telcobill.errors import NotAllowed
from telcobill.workflows.change_preview import (
    next_cycle,
    preview_add_option,
    preview_plan_change,
    preview_remove_option,
)
from telcobill.workflows.lines import activate_line, add_option, change_plan, remove_option
from tests.billing.conftest import document, lines_of
from tests.factories import make_business, make_individual


def proposed(preview) -> list[tuple]:
    """The preview's lines as tests/billing/conftest.lines_of prints an issued document's."""
    return [(p.description, str(p.quantity.normalize()), str(p.unit_price), str(p.net_amount)) for p in preview.lines]


def _line_since_september(bill, plan="PLAN-S", account=None):
    account = account or make_individual()
    line = activate_line(account=account, msisdn="0612345678", plan_code=plan, on=date(2026, 9, 1), sim_fee=None)
    for cycle in ("2026-09", "2026-10", "2026-11"):
        bill(cycle)
    return account, line


def test_an_upgrade_preview_is_what_the_next_bill_run_bills(catalogue, bill):
    account, line = _line_since_september(bill)

    preview = preview_plan_change(line=line, plan_code="PLAN-L", requested_on=date(2026, 11, 16))

    assert (preview.effective_on, preview.cycle, preview.issue_date) == (date(2026, 11, 16), "2026-12",
                                                                         date(2026, 12, 1))
    assert proposed(preview) == [
        ("Forfait L (prorata 15 jours)", "15", "0.555278", "8.33"),
        ("Forfait S — remboursement (prorata 15 jours)", "-15", "0.305278", "-4.58"),
        ("Forfait L", "1", "16.658333", "16.66"),
    ]
    assert preview.credited == Amount(Decimal("-4.58"), Decimal("-5.50"))
    assert preview.charged == Amount(Decimal("8.33"), Decimal("10.00"))
    assert preview.in_advance == Amount(Decimal("16.66"), Decimal("19.99"))
    assert preview.total == Amount(Decimal("20.41"), Decimal("24.49"))
    assert preview.total_before == Amount(Decimal("9.16"), Decimal("10.99"))
    assert preview.monthly == Amount(Decimal("16.66"), Decimal("19.99"))
    assert preview.monthly_before == Amount(Decimal("9.16"), Decimal("10.99"))
    assert preview.commitment_end is None
    assert not ProvisioningOrder.objects.exists() and line.subscriptions.count() == 1  # nothing written

    change_plan(line=line, plan_code="PLAN-L", requested_on=date(2026, 11, 16))
    bill("2026-12")
    december = document(account, "2026-12")
    assert lines_of(december) == proposed(preview)
    assert (december.total_net, december.total_gross) == (preview.total.net, preview.total.gross)


def test_a_downgrade_preview_waits_for_the_next_cycle_like_the_bill_run(catalogue, bill):
    account, line = _line_since_september(bill, plan="PLAN-L")

    preview = preview_plan_change(line=line, plan_code="PLAN-S", requested_on=date(2026, 11, 16))

    assert preview.effective_on == date(2026, 12, 1)
    assert proposed(preview) == [("Forfait S", "1", "9.158333", "9.16")]
    assert (preview.credited, preview.charged) == (Amount(Decimal(0), Decimal(0)), Amount(Decimal(0), Decimal(0)))
    assert (preview.monthly, preview.monthly_before) == (Amount(Decimal("9.16"), Decimal("10.99")),
                                                         Amount(Decimal("16.66"), Decimal("19.99")))
    change_plan(line=line, plan_code="PLAN-S", requested_on=date(2026, 11, 16))
    bill("2026-12")
    assert lines_of(document(account, "2026-12")) == proposed(preview)


def test_a_plan_with_a_commitment_says_until_when(catalogue, bill):
    _, line = _line_since_september(bill)
    preview = preview_plan_change(line=line, plan_code="PLAN-24M", requested_on=date(2026, 11, 16))
    assert preview.commitment_end == date(2028, 11, 16)
    change_plan(line=line, plan_code="PLAN-24M", requested_on=date(2026, 11, 16))
    line.refresh_from_db()
    assert line.commitment_end == preview.commitment_end


def test_an_option_added_then_removed_is_previewed_as_billed(catalogue, bill):
    account = make_individual()
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 10, 1),
                         sim_fee=None)
    bill("2026-10")

    added = preview_add_option(line=line, option_code="OPT-X", on=date(2026, 10, 20))
    assert (added.cycle, added.monthly) == ("2026-11", Amount(Decimal("11.66"), Decimal("13.99")))
    add_option(line=line, option_code="OPT-X", on=date(2026, 10, 20))
    bill("2026-11")
    assert lines_of(document(account, "2026-11")) == proposed(added) == [
        ("Forfait S", "1", "9.158333", "9.16"),
        ("Option International (prorata 12 jours)", "12", "0.080645", "0.97"),
        ("Option International", "1", "2.500000", "2.50"),
    ]

    removed = preview_remove_option(line=line, option_code="OPT-X", on=date(2026, 11, 20))
    assert removed.credited == Amount(Decimal("-0.92"), Decimal("-1.10"))
    assert (removed.monthly, removed.monthly_before) == (Amount(Decimal("9.16"), Decimal("10.99")),
                                                         Amount(Decimal("11.66"), Decimal("13.99")))
    remove_option(line=line, option_code="OPT-X", on=date(2026, 11, 20))
    bill("2026-12")
    december = document(account, "2026-12")
    assert lines_of(december) == proposed(removed)
    assert december.total_gross == removed.total.gross == Decimal("9.89")


def test_a_business_preview_is_excl_vat_as_billed(catalogue, bill):
    account = make_business()
    line = activate_line(account=account, msisdn="0612345678", plan_code="PRO", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")

    preview = preview_add_option(line=line, option_code="OPT-X", on=date(2026, 11, 11))

    assert preview.charged == Amount(Decimal("1.67"), Decimal("2.00"))
    assert preview.monthly == Amount(Decimal("22.50"), Decimal("27.00"))
    add_option(line=line, option_code="OPT-X", on=date(2026, 11, 11))
    bill("2026-12")
    december = document(account, "2026-12")
    assert lines_of(december) == proposed(preview)
    assert (december.total_net, december.total_gross) == (preview.total.net, preview.total.gross)


def test_the_next_cycle_is_this_month_until_its_run_is_issued(catalogue, bill):
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    assert next_cycle(account.pk, date(2026, 11, 16)) == "2026-11"
    bill("2026-11")
    assert next_cycle(account.pk, date(2026, 11, 16)) == "2026-12"
    assert next_cycle(make_individual().pk, date(2026, 11, 16)) == "2026-12"  # the month's run is issued


def test_the_preview_refuses_what_the_change_refuses_and_writes_nothing(catalogue, bill):
    _, line = _line_since_september(bill)
    with pytest.raises(NotAllowed) as refused:
        preview_plan_change(line=line, plan_code="PRO", requested_on=date(2026, 11, 16))
    assert refused.value.code == "segment"
    with pytest.raises(NotAllowed):
        change_plan(line=line, plan_code="PRO", requested_on=date(2026, 11, 16))
    assert list(Subscription.objects.filter(line=line).values_list("product__code", flat=True)) == ["PLAN-S"]
    assert not ProvisioningOrder.objects.exists()
