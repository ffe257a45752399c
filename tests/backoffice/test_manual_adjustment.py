from datetime import date
from decimal import Decimal

from django.urls import reverse

from telcobill.billing.models import Charge, Section
from telcobill.customers.models import AuditEvent
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual

ADD = reverse("admin:billing_charge_add")


def test_staff_adds_a_manual_adjustment_and_it_is_audited(staff_client, staff, catalogue):
    account = make_individual("Camille Martin")
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 10, 10))

    response = staff_client.post(ADD, {"billing_account": account.pk, "line": line.pk,
                                       "description": "Geste commercial — coupure réseau", "unit_price": "-5,00",
                                       "includes_vat": "on", "charged_on": "20/11/2026"})

    assert response.status_code == 302
    charge = Charge.objects.get(description="Geste commercial — coupure réseau")
    assert (charge.billing_account, charge.line, charge.section) == (account, line, Section.ADJUSTMENTS)
    assert (charge.unit_price, charge.quantity, charge.includes_vat) == (Decimal("-5.00"), Decimal(1), True)
    assert (charge.charged_on, charge.product, charge.created_by) == (date(2026, 11, 20), None, staff)
    event = AuditEvent.objects.get(kind="charge.adjustment_added")
    assert (event.actor, event.customer) == (staff, account.customer)
    assert event.data == {"charge": charge.pk, "account": account.number, "amount": "-5.00", "includes_vat": True,
                          "line": "+33612345678"}


def test_an_adjustment_needs_an_amount_and_a_line_of_the_same_account(staff_client, catalogue):
    account, other = make_individual("Camille Martin"), make_individual("Hugo Bernard")
    foreign = activate_line(account=other, msisdn="0698765432", plan_code="PLAN-S", on=date(2026, 10, 1))
    before = Charge.objects.count()

    no_amount = staff_client.post(ADD, {"billing_account": account.pk, "description": "Geste", "unit_price": "",
                                        "charged_on": "20/11/2026"})
    wrong_line = staff_client.post(ADD, {"billing_account": account.pk, "line": foreign.pk, "description": "Geste",
                                         "unit_price": "5,00", "charged_on": "20/11/2026"})

    assert no_amount.status_code == wrong_line.status_code == 200  # the form again, with its errors
    assert "Cette ligne appartient à un autre compte de facturation." in wrong_line.content.decode()
    assert Charge.objects.count() == before
    assert not AuditEvent.objects.filter(kind="charge.adjustment_added").exists()


def test_a_charge_cannot_be_edited_or_deleted(staff_client, catalogue):
    account = make_individual()
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 10, 10))
    sim = Charge.objects.get(line=line)

    change = staff_client.post(reverse("admin:billing_charge_change", args=[sim.pk]), {"unit_price": "0"})
    delete = staff_client.post(reverse("admin:billing_charge_delete", args=[sim.pk]), {"post": "yes"})

    assert change.status_code == delete.status_code == 403
    sim.refresh_from_db()
    assert sim.unit_price is None
