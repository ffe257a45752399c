from datetime import date
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from telcobill.billing.models import Charge
from telcobill.customers.models import (
    AuditEvent,
    LineStatus,
    ProvisioningAction,
    ProvisioningOrder,
    ProvisioningStatus,
)
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual


@pytest.fixture
def account(catalogue):
    return make_individual("Camille Martin")


def terminate(client, line, capture, *, last_day="2026-11-15", reason="Départ à l'étranger"):
    """The admin action on the line list, then its intermediate page."""
    action = client.post(reverse("admin:customers_line_changelist"),
                         {"action": "terminate_lines", "_selected_action": [line.pk]})
    page = urlparse(action["Location"])
    assert page.path == reverse("backoffice:line_terminate")
    assert "Dernier jour de service" in client.get(action["Location"]).content.decode()
    with capture(execute=True):
        response = client.post(page.path, {"ids": str(line.pk), "last_day": last_day, "reason": reason})
    return response


def test_terminating_inside_a_commitment_charges_the_early_termination_fee(
        staff_client, staff, account, django_capture_on_commit_callbacks):
    # 24 months at 24,00 € from 10 January 2026: leaving on 16 November, a consumer owes the
    # 2 months to month 12 in full, then a quarter of the 12 after it: 48,00 + 72,00.
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-24M", on=date(2026, 1, 10))

    response = terminate(staff_client, line, django_capture_on_commit_callbacks)

    line.refresh_from_db()
    assert response["Location"] == reverse("admin:customers_line_changelist")
    assert (line.status, line.terminated_on) == (LineStatus.TERMINATED, date(2026, 11, 15))
    fee = Charge.objects.get(line=line, charged_on=date(2026, 11, 15))  # the SIM card's is dated 10 January
    assert (fee.unit_price, fee.includes_vat, fee.charged_on) == (Decimal("120.00"), True, date(2026, 11, 15))
    assert fee.description == "Frais de résiliation anticipée (fin d'engagement le 10/01/2028)"
    assert fee.created_by == staff
    order = ProvisioningOrder.objects.get(line=line)
    assert (order.action, order.effective_on, order.created_by) == (ProvisioningAction.TERMINATE, date(2026, 11, 16),
                                                                    staff)
    assert order.payload == {"msisdn": "+33612345678", "reason": "Départ à l'étranger"}
    assert order.status == ProvisioningStatus.SENT  # written to the outbox once committed
    assert AuditEvent.objects.get(kind="line.terminated").actor == staff
    html = staff_client.get(response["Location"]).content.decode()
    assert ("+33612345678 résiliée, dernier jour de service le 15/11/2026 ; ordre de provisioning envoyé au "
            "réseau. Frais de résiliation anticipée facturés : 120,00\u00a0€ TTC (engagement jusqu&#x27;au "
            "10/01/2028).") in html


def test_terminating_a_line_without_commitment_charges_nothing(staff_client, account,
                                                              django_capture_on_commit_callbacks):
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 1, 10))

    response = terminate(staff_client, line, django_capture_on_commit_callbacks)

    assert not Charge.objects.filter(line=line, charged_on=date(2026, 11, 15)).exists()
    assert ProvisioningOrder.objects.filter(line=line, action=ProvisioningAction.TERMINATE).count() == 1
    assert "Aucun frais de résiliation anticipée." in staff_client.get(response["Location"]).content.decode()


def test_terminating_a_terminated_line_is_refused_and_sends_nothing(staff_client, account,
                                                                   django_capture_on_commit_callbacks):
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 1, 10))
    terminate(staff_client, line, django_capture_on_commit_callbacks)

    response = terminate(staff_client, line, django_capture_on_commit_callbacks, last_day="2026-11-20")

    assert ProvisioningOrder.objects.filter(line=line).count() == 1
    page = staff_client.get(response["Location"]).content.decode()
    assert "+33612345678 : line +33612345678 is already terminated" in page


def test_the_termination_form_needs_a_date_and_a_reason(staff_client, account):
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-24M", on=date(2026, 1, 10))

    response = staff_client.post(reverse("backoffice:line_terminate"), {"ids": str(line.pk), "last_day": "",
                                                                        "reason": ""})

    line.refresh_from_db()
    assert response.status_code == 400
    assert line.status == LineStatus.ACTIVE
    assert not ProvisioningOrder.objects.exists()
    assert not Charge.objects.filter(line=line, charged_on__gt=date(2026, 1, 10)).exists()
