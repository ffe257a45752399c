"""The catalogue's rules on a line's changes, refused with a stable code before anything is
written: the customer's segment, an option's compatible plans, a terminated line, no-ops."""

from datetime import date

import pytest

from telcobill.catalogue.models import Product, Subscription
from telcobill.customers.models import ProvisioningOrder
from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.workflows.lines import activate_line, add_option, change_plan, remove_option, terminate_line
from tests.factories import _product, make_business, make_individual


def _line(account=None, plan="PLAN-S"):
    return activate_line(account=account or make_individual(), msisdn="0612345678", plan_code=plan,
                         on=date(2026, 11, 1), sim_fee=None)


def _refused(error, code, line):
    assert error.value.code == code
    assert not ProvisioningOrder.objects.filter(line=line).exists()


def test_a_business_plan_or_option_is_refused_to_an_individual(catalogue):
    line = _line()
    _product("OPT-PRO", "option", "Multi-SIM", [("2025-01-01", "5.00", False)], segment="business")
    with pytest.raises(NotAllowed) as error:
        change_plan(line=line, plan_code="PRO", requested_on=date(2026, 11, 16))
    _refused(error, "segment", line)
    with pytest.raises(NotAllowed) as error:
        add_option(line=line, option_code="OPT-PRO", on=date(2026, 11, 16))
    _refused(error, "segment", line)
    assert list(Subscription.objects.filter(line=line).values_list("product__code", flat=True)) == ["PLAN-S"]


def test_an_individual_only_plan_is_refused_to_a_business(catalogue):
    _product("PLAN-JEUNE", "plan", "Forfait Jeunes", [("2025-01-01", "7.99", True)], tier=5, segment="individual")
    line = _line(make_business())
    with pytest.raises(NotAllowed) as error:
        change_plan(line=line, plan_code="PLAN-JEUNE", requested_on=date(2026, 11, 16))
    _refused(error, "segment", line)


def test_an_option_needs_one_of_its_compatible_plans(catalogue):
    _product("OPT-5G", "option", "Option 5G+", [("2025-01-01", "4.00", True)])
    Product.objects.filter(code="OPT-5G").update(compatible_plans=["PLAN-L"])
    line = _line()
    with pytest.raises(NotAllowed) as error:
        add_option(line=line, option_code="OPT-5G", on=date(2026, 11, 16))
    _refused(error, "incompatible_option", line)
    change_plan(line=line, plan_code="PLAN-L", requested_on=date(2026, 11, 16))
    add_option(line=line, option_code="OPT-5G", on=date(2026, 11, 17))
    assert line.subscriptions.filter(product__code="OPT-5G").exists()


def test_no_ops_and_terminated_lines_are_refused_with_their_code(catalogue):
    line = _line()
    with pytest.raises(Invalid) as error:
        change_plan(line=line, plan_code="PLAN-S", requested_on=date(2026, 11, 16))
    _refused(error, "same_plan", line)
    with pytest.raises(NotFound) as error:
        remove_option(line=line, option_code="OPT-X", on=date(2026, 11, 16))
    _refused(error, "no_option", line)
    add_option(line=line, option_code="OPT-X", on=date(2026, 11, 16))
    with pytest.raises(Invalid) as error:
        add_option(line=line, option_code="OPT-X", on=date(2026, 11, 17))
    assert error.value.code == "option_present"

    terminate_line(line=line, last_day=date(2026, 11, 20), reason="test")
    with pytest.raises(NotAllowed) as error:
        change_plan(line=line, plan_code="PLAN-L", requested_on=date(2026, 11, 25))
    assert error.value.code == "terminated"
    with pytest.raises(NotAllowed) as error:
        add_option(line=line, option_code="OPT-X", on=date(2026, 11, 25))
    assert error.value.code == "terminated"
