from datetime import date

from django.urls import reverse

from telcobill.customers.models import LineStatus, ProvisioningAction, ProvisioningOrder, ProvisioningStatus
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual


def test_suspending_a_line_sends_a_suspension_order(staff_client, staff, catalogue,
                                                    django_capture_on_commit_callbacks):
    line = activate_line(account=make_individual(), msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 1, 10))
    action = staff_client.post(reverse("admin:customers_line_changelist"),
                               {"action": "suspend_lines", "_selected_action": [line.pk]})
    assert action["Location"] == reverse("backoffice:line_suspend") + f"?ids={line.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("backoffice:line_suspend"),
                                     {"ids": str(line.pk), "on": "2026-11-20", "reason": "Vol du téléphone"})

    line.refresh_from_db()
    order = ProvisioningOrder.objects.get(line=line)
    assert line.status == LineStatus.SUSPENDED
    assert (order.action, order.effective_on, order.status) == (ProvisioningAction.SUSPEND, date(2026, 11, 20),
                                                                ProvisioningStatus.SENT)
    assert (f"+33612345678 suspendue le 20/11/2026 ; ordre de provisioning n° {order.pk} envoyé au réseau."
            in staff_client.get(response["Location"]).content.decode())
