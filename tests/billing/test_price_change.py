from datetime import date
from decimal import Decimal

from telcobill.workflows.lines import activate_line
from tests.billing.conftest import document, lines_of
from tests.factories import make_individual


def test_each_month_is_billed_at_the_price_in_force_that_month(catalogue, bill):
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 7, 1), sim_fee=None)
    bill("2026-08")
    bill("2026-09")

    # 9.99 incl. VAT until 31 Aug 2026, 10.99 from 1 Sep 2026
    assert lines_of(document(account, "2026-08")) == [
        ("Forfait S", "1", "8.325000", "8.33"),  # July, owed since activation
        ("Forfait S", "1", "8.325000", "8.33"),  # August in advance
    ]
    assert lines_of(document(account, "2026-09")) == [("Forfait S", "1", "9.158333", "9.16")]
    assert document(account, "2026-09").total_gross == Decimal("10.99")
