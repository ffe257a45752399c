from datetime import date

import pytest
from django.urls import reverse

from telcobill.billing.models import BillRunHold, Invoice, InvoiceStatus
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual

DETAIL = reverse("backoffice:billrun_detail", args=["2026-11"])


@pytest.fixture
def computed(staff_client, catalogue):
    """Cycle 2026-11 computed for real for two accounts, awaiting approval."""
    held, other = make_individual("Camille Martin"), make_individual("Hugo Bernard")
    activate_line(account=held, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 10, 10))
    activate_line(account=other, msisdn="0698765432", plan_code="PLAN-L", on=date(2026, 10, 1))
    staff_client.post(reverse("backoffice:billrun_start"), {"cycle": "2026-11", "mode": "real"})
    return held, other


def approve(client, capture):
    with capture(execute=True):
        return client.post(reverse("backoffice:billrun_approve", args=["2026-11"]), {"generation": "1"})


def test_a_held_account_is_left_out_when_the_run_is_approved(staff_client, staff, computed,
                                                            django_capture_on_commit_callbacks):
    held, other = computed
    response = staff_client.post(reverse("backoffice:billrun_hold", args=["2026-11"]),
                                 {"account_number": held.number, "reason": "Litige en cours sur la ligne"})
    hold = BillRunHold.objects.get()
    assert (hold.billing_account, hold.reason, hold.created_by) == (held, "Litige en cours sur la ligne", staff.email)
    page = staff_client.get(response["Location"]).content.decode()
    assert "Litige en cours sur la ligne" in page and "Libérer" in page

    approve(staff_client, django_capture_on_commit_callbacks)

    held_doc, other_doc = Invoice.objects.get(billing_account=held), Invoice.objects.get(billing_account=other)
    assert (held_doc.status, held_doc.number) == (InvoiceStatus.DRAFT, None)
    assert not held.invoices.filter(status=InvoiceStatus.ISSUED).exists()
    assert (other_doc.status, other_doc.number) == (InvoiceStatus.ISSUED, "F2026-000001")


def test_a_released_account_is_issued_with_the_next_number(staff_client, computed, django_capture_on_commit_callbacks):
    held, _ = computed
    staff_client.post(reverse("backoffice:billrun_hold", args=["2026-11"]),
                      {"account_number": held.number, "reason": "Vérifier l'adresse"})
    approve(staff_client, django_capture_on_commit_callbacks)

    staff_client.post(reverse("backoffice:billrun_release", args=["2026-11"]), {"account_number": held.number})
    assert "Émettre le brouillon restant" in staff_client.get(DETAIL).content.decode()
    approve(staff_client, django_capture_on_commit_callbacks)

    assert not BillRunHold.objects.exists()
    assert Invoice.objects.get(billing_account=held).number == "F2026-000002"


def test_a_hold_without_a_reason_or_on_an_unknown_account_is_refused(staff_client, computed):
    def hold(number, reason):
        response = staff_client.post(reverse("backoffice:billrun_hold", args=["2026-11"]),
                                     {"account_number": number, "reason": reason})
        return staff_client.get(response["Location"]).content.decode()

    assert "Indiquez le compte de facturation et le motif" in hold(computed[0].number, "")
    assert "No billing account A999999" in hold("A999999", "Litige")
    assert not BillRunHold.objects.exists()
