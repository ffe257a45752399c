from datetime import date
from decimal import Decimal

import pytest

from telcobill.billing.services.adjustments import add_adjustment
from telcobill.customers.models import AuditEvent
from telcobill.errors import Invalid
from telcobill.workflows.lines import activate_line
from tests.billing.conftest import document, lines_of
from tests.factories import make_business


def test_a_negative_adjustment_is_a_negative_quantity_at_a_positive_price(catalogue, bill):
    account = make_business()
    activate_line(account=account, msisdn="0612345678", plan_code="PRO", on=date(2026, 11, 1), sim_fee=None)
    add_adjustment(account=account, amount=Decimal("-2.00"), includes_vat=True, charged_on=date(2026, 10, 20),
                   description="Remboursement d'un incident réseau")

    bill("2026-11")

    doc = document(account, "2026-11")
    assert (doc.status, doc.problems) == ("issued", [])  # passes BR-27 and the BR-FR rules
    assert lines_of(doc) == [
        ("Pro 100 Go", "1", "20.000000", "20.00"),
        ("Remboursement d'un incident réseau", "-1", "1.666667", "-1.67"),
    ]
    assert (doc.total_net, doc.total_vat, doc.total_gross) == (Decimal("18.33"), Decimal("3.67"), Decimal("22.00"))
    assert AuditEvent.objects.get(kind="charge.adjustment_added").data["amount"] == "-2.00"


def test_an_adjustment_needs_a_description_and_an_amount(catalogue):
    account = make_business()
    with pytest.raises(Invalid, match="description"):
        add_adjustment(account=account, amount=Decimal("1"), includes_vat=True, charged_on=date(2026, 11, 1),
                       description=" ")
    with pytest.raises(Invalid, match="0 €"):
        add_adjustment(account=account, amount=Decimal("0"), includes_vat=True, charged_on=date(2026, 11, 1),
                       description="x")
