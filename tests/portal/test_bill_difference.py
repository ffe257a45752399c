""""Why is this bill different?": the invoice beside the previous one, in plain words."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from telcobill.billing.models import Invoice
from telcobill.workflows.lines import activate_line, add_option
from tests.factories import make_individual


@pytest.fixture
def with_option(catalogue, bill):
    account = make_individual("Camille Martin", payment_method="transfer")
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 9, 1), sim_fee=None)
    bill("2026-09")
    bill("2026-10")
    add_option(line=line, option_code="OPT-X", on=date(2026, 10, 16))
    bill("2026-11")
    return account


def test_an_option_added_mid_month_is_said_new_and_prorated(with_option, signed_in):
    from telcobill.customers.models import Role
    from tests.portal.personas import person

    november = Invoice.objects.get(billing_account=with_option, cycle="2026-11")
    client = signed_in(person("camille.martin@example.org", with_option.customer, Role.HOLDER))
    response = client.get(reverse("portal:invoice", args=[november.number]))
    [difference] = response.context["differences"]
    assert (difference.label, difference.why, difference.before, difference.now) == (
        "Option International (+33612345678)", "nouveau, au prorata des jours", Decimal("0.00"), Decimal("4.55"))
    assert november.total_gross - response.context["previous"].total_gross == Decimal("4.55")
    october = Invoice.objects.get(billing_account=with_option, cycle="2026-10")
    response = client.get(reverse("portal:invoice", args=[october.number]))
    assert response.context["differences"] == []
    assert "Les mêmes services que sur la facture précédente" in response.content.decode()
