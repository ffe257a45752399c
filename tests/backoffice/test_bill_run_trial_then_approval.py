from datetime import date

import pytest
from django.urls import reverse

from telcobill.billing.models import BillRun, BillRunStatus, Invoice, InvoiceStatus
from telcobill.documents.models import DocumentFile
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual


@pytest.fixture
def accounts(catalogue):
    first, second = make_individual("Camille Martin"), make_individual("Hugo Bernard")
    activate_line(account=first, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 10, 10))
    activate_line(account=second, msisdn="0698765432", plan_code="PLAN-L", on=date(2026, 10, 1))
    return first, second


def start(client, mode):
    return client.post(reverse("backoffice:billrun_start"), {"cycle": "2026-11", "mode": mode})


def test_a_trial_computes_the_cycle_and_issues_nothing(staff_client, accounts):
    response = start(staff_client, "trial")

    run = BillRun.objects.get(cycle="2026-11")
    assert response["Location"] == reverse("backoffice:billrun_detail", args=["2026-11"])
    assert (run.status, run.trial) == (BillRunStatus.COMPUTED, True)
    assert Invoice.objects.filter(bill_run=run).count() == 2
    assert not Invoice.objects.filter(number__isnull=False).exists()
    assert not DocumentFile.objects.exists()
    html = staff_client.get(response["Location"]).content.decode()
    assert "calculé en essai : rien n&#x27;a été émis" in html
    assert "Approuver et émettre" not in html  # a trial is not approved: it is computed for real first
    assert "78,77\u00a0€" in html  # 28,79 + 49,98 TTC (October in arrears, November, SIM card)


def test_the_real_run_is_approved_from_the_page_and_issued_with_numbers(staff_client, staff, accounts,
                                                                       django_capture_on_commit_callbacks):
    first, second = accounts
    start(staff_client, "trial")
    start(staff_client, "real")
    run = BillRun.objects.get(cycle="2026-11")
    assert (run.status, run.trial, run.generation) == (BillRunStatus.COMPUTED, False, 2)
    assert not Invoice.objects.filter(number__isnull=False).exists()
    detail = staff_client.get(reverse("backoffice:billrun_detail", args=["2026-11"])).content.decode()
    assert "Approuver et émettre" in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("backoffice:billrun_approve", args=["2026-11"]), {"generation": "2"})

    run.refresh_from_db()
    assert response.status_code == 302
    assert run.status == BillRunStatus.ISSUED
    assert run.approved_by == staff.email
    issued = {i.billing_account_id: i for i in Invoice.objects.filter(bill_run=run)}
    assert (issued[first.pk].number, issued[first.pk].status) == ("F2026-000001", InvoiceStatus.ISSUED)
    assert (issued[second.pk].number, issued[second.pk].status) == ("F2026-000002", InvoiceStatus.ISSUED)
    assert str(issued[first.pk].issue_date) == "2026-11-01"
    assert DocumentFile.objects.filter(rendered_at__isnull=False).count() == 2
    html = staff_client.get(response["Location"]).content.decode()
    assert "Cycle 2026-11 : émis, 2 documents émis." in html


def test_approving_a_run_recomputed_since_its_report_was_read_is_refused(staff_client, accounts):
    start(staff_client, "real")
    start(staff_client, "real")  # someone recomputed it: generation 2

    response = staff_client.post(reverse("backoffice:billrun_approve", args=["2026-11"]), {"generation": "1"})

    assert BillRun.objects.get(cycle="2026-11").status == BillRunStatus.COMPUTED
    assert not Invoice.objects.filter(number__isnull=False).exists()
    assert "relisez-le avant d&#x27;approuver" in staff_client.get(response["Location"]).content.decode()


def test_approving_a_trial_is_refused(staff_client, accounts):
    start(staff_client, "trial")

    staff_client.post(reverse("backoffice:billrun_approve", args=["2026-11"]), {"generation": "1"})

    assert BillRun.objects.get(cycle="2026-11").status == BillRunStatus.COMPUTED
    assert not Invoice.objects.filter(number__isnull=False).exists()


def test_a_malformed_cycle_is_refused_on_the_form(staff_client, db):
    response = staff_client.post(reverse("backoffice:billrun_start"), {"cycle": "2026-13", "mode": "trial"})

    assert response.status_code == 400
    assert "Un cycle s&#x27;écrit AAAA-MM" in response.content.decode()
    assert not BillRun.objects.exists()
