from datetime import date
from decimal import Decimal

from telcobill.workflows.lines import activate_line, add_option, remove_option
from tests.billing.conftest import document, lines_of
from tests.factories import make_individual


def test_an_option_is_prorated_when_added_and_credited_when_removed(catalogue, bill):
    account = make_individual()
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 10, 1),
                         sim_fee=None)
    bill("2026-10")
    add_option(line=line, option_code="OPT-X", on=date(2026, 10, 20))
    bill("2026-11")
    remove_option(line=line, option_code="OPT-X", on=date(2026, 11, 20))
    bill("2026-12")

    assert lines_of(document(account, "2026-11")) == [
        ("Forfait S", "1", "9.158333", "9.16"),
        ("Option International (prorata 12 jours)", "12", "0.080645", "0.97"),
        ("Option International", "1", "2.500000", "2.50"),
    ]
    december = document(account, "2026-12")
    assert lines_of(december) == [
        ("Forfait S", "1", "9.158333", "9.16"),
        ("Option International — remboursement (prorata 11 jours)", "-11", "0.083333", "-0.92"),
    ]
    assert december.total_gross == Decimal("9.89")  # 8.24 excl. VAT + 1.65 VAT
