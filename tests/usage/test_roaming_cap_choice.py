"""The customer's choice about the roaming data spend cap: recorded, audited, sent to the network."""

from datetime import date

from telcobill.customers.models import AuditEvent, ProvisioningOrder
from telcobill.workflows.lines import set_roaming_cap


def test_lifting_the_cap_is_recorded_audited_and_sent_once(camille, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        order = set_roaming_cap(line=camille, opt_out=True, on=date(2026, 11, 20))
        again = set_roaming_cap(line=camille, opt_out=True, on=date(2026, 11, 21))

    camille.refresh_from_db()
    assert camille.roaming_cap_opt_out is True
    assert again is None  # unchanged: no second order, no second event
    assert (order.action, order.payload) == ("roaming_cap", {"msisdn": "+33612345678", "cap": "none"})
    assert ProvisioningOrder.objects.filter(line=camille, action="roaming_cap").count() == 1
    event = AuditEvent.objects.get(kind="line.roaming_cap")
    assert (event.summary, event.data) == ("+33612345678: roaming data cap lifted", {"opt_out": True})

    restored = set_roaming_cap(line=camille, opt_out=False, on=date(2026, 11, 22))
    assert restored.payload["cap"] == "default"
    assert AuditEvent.objects.filter(kind="line.roaming_cap").count() == 2
