"""Staff control of a bill run: trial, report, hold list, approval, idempotence, the run lock."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from telcobill.billing.models import BillRun, Invoice, InvoiceStatus
from telcobill.billing.services import billrun
from telcobill.errors import NotAllowed
from telcobill.workflows.bill_run import run_bill_run
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual

NOV_1 = datetime(2026, 11, 1, 6, tzinfo=UTC)


def _accounts(n=3):
    accounts = []
    for i in range(n):
        account = make_individual(f"Client Numéro{i}")
        activate_line(account=account, msisdn=f"06123456{i:02d}", plan_code="PLAN-S", on=date(2026, 11, 1),
                      sim_fee=None)
        accounts.append(account)
    return accounts


def test_a_trial_run_computes_everything_and_issues_nothing(catalogue):
    _accounts()
    run = run_bill_run("2026-11", trial=True, clock=lambda: NOV_1)
    assert (run.status, run.trial) == ("computed", True)
    assert Invoice.objects.filter(bill_run=run).count() == 3
    assert not Invoice.objects.filter(number__isnull=False).exists()
    assert run.report["by_kind_and_status"] == {
        "invoice:draft": {"count": 3, "net": "27.48", "vat": "5.49", "gross": "32.97"}}
    with pytest.raises(NotAllowed, match="trial"):
        billrun.approve(cycle="2026-11", by="alice", now=NOV_1)
    with pytest.raises(NotAllowed, match="computed as a trial"):
        run_bill_run("2026-11", approve_by="alice", clock=lambda: NOV_1)
    assert not Invoice.objects.filter(number__isnull=False).exists()


def test_a_run_waits_for_approval_then_issues(catalogue, django_capture_on_commit_callbacks):
    _accounts()
    run = run_bill_run("2026-11", clock=lambda: NOV_1)
    assert run.status == "computed"
    assert not Invoice.objects.filter(status=InvoiceStatus.ISSUED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        run = run_bill_run("2026-11", approve_by="alice", clock=lambda: NOV_1)
    assert (run.status, run.approved_by) == ("issued", "alice")
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        "F2026-000001", "F2026-000002", "F2026-000003"]


def test_running_an_issued_cycle_again_changes_nothing(catalogue, bill):
    _accounts()
    bill("2026-11")
    before = list(Invoice.objects.order_by("pk").values_list("pk", "number", "total_gross"))
    bill("2026-11")
    assert list(Invoice.objects.order_by("pk").values_list("pk", "number", "total_gross")) == before


def test_a_held_account_is_left_out_until_released(catalogue, bill):
    first, second, third = _accounts()
    run_bill_run("2026-11", clock=lambda: NOV_1)
    billrun.hold_account(cycle="2026-11", account_number=second.number, reason="litige en cours", by="bob")

    bill("2026-11")
    assert Invoice.objects.get(billing_account=second).status == InvoiceStatus.DRAFT
    assert Invoice.objects.filter(status=InvoiceStatus.ISSUED).count() == 2
    assert BillRun.objects.get().report["held_by_staff"] == [
        {"account": second.number, "reason": "litige en cours", "by": "bob"}]

    billrun.release_account(cycle="2026-11", account_number=second.number)
    bill("2026-11")
    assert Invoice.objects.get(billing_account=second).number == "F2026-000003"


def test_a_second_run_of_the_same_cycle_is_refused_while_one_runs(catalogue):
    _accounts(1)
    run = billrun.get_or_create_run("2026-11")
    billrun.acquire_lock(run, "otherhost:4242:abcd", now=datetime.now(UTC))
    with pytest.raises(NotAllowed, match="already running"):
        run_bill_run("2026-11", clock=lambda: datetime.now(UTC))


def test_the_lock_of_a_killed_process_is_taken_over(catalogue):
    import socket

    _accounts(1)
    run = billrun.get_or_create_run("2026-11")
    dead = f"{socket.gethostname()}:999999:dead"  # no such pid
    billrun.acquire_lock(run, dead, now=datetime.now(UTC))
    run = run_bill_run("2026-11", clock=lambda: datetime.now(UTC))
    assert run.status == "computed"


def test_the_report_lists_accounts_varying_more_than_the_threshold(catalogue, bill):
    account = _accounts(1)[0]
    bill("2026-11")
    from telcobill.workflows.lines import add_option
    add_option(line=account.lines.get(), option_code="OPT-X", on=date(2026, 12, 1))
    run = run_bill_run("2026-12", clock=lambda: NOV_1)
    # 10.99 -> 13.99: +27 %, above a 20 % threshold, below 30 %
    from telcobill.billing.services.report import build_report
    assert build_report(run, variance_percent=20)["varying_sample"] == [
        {"account": account.number, "previous": "10.99", "current": "13.99", "change_percent": "27"}]
    assert build_report(run, variance_percent=30)["varying"] == 0


def test_a_business_document_passes_the_schematrons_before_its_number(catalogue, bill):
    account = make_business()
    activate_line(account=account, msisdn="0612345678", plan_code="PRO", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    doc = Invoice.objects.get(billing_account=account)
    assert (doc.status, doc.number, doc.problems) == ("issued", "F2026-000001", [])
    assert doc.due_date == date(2026, 12, 1)
    assert [code for code, _ in doc.notes] == ["PMT", "PMD", "AAB", "TXD", "BAR"]


@pytest.mark.django_db(transaction=True)
def test_worker_processes_compute_the_same_documents_as_one_process():
    from tests.factories import make_catalogue

    make_catalogue()
    for i in range(12):
        account = make_business(f"Société {i} SAS") if i % 4 == 0 else make_individual(f"Client Numéro{i}")
        activate_line(account=account, msisdn=f"06123456{i:02d}", plan_code="PRO" if i % 4 == 0 else "PLAN-S",
                      on=date(2026, 10, 20), sim_fee=None)
    from django.test.utils import override_settings

    with override_settings(BILLING={**__import__("django.conf").conf.settings.BILLING, "batch_size": 5}):
        run_bill_run("2026-11", trial=True, clock=lambda: NOV_1)
        one_process = sorted(Invoice.objects.values_list("billing_account_id", "total_net", "total_vat", "status"))
        run = run_bill_run("2026-11", workers=2, clock=lambda: NOV_1)
    assert run.generation == 2
    assert sorted(Invoice.objects.values_list("billing_account_id", "total_net", "total_vat", "status")) == one_process
    assert Invoice.objects.filter(generation=2).count() == 12
    assert len(one_process) == 12 and all(status == "draft" for *_, status in one_process)


def test_an_account_held_past_its_cycle_is_billed_by_the_next_one_once(catalogue, bill):
    account = _accounts(1)[0]
    run_bill_run("2026-11", clock=lambda: NOV_1)
    billrun.hold_account(cycle="2026-11", account_number=account.number, reason="adresse à vérifier", by="bob")
    bill("2026-11")
    assert Invoice.objects.get(billing_account=account, cycle="2026-11").status == "draft"

    bill("2026-12")

    # November's draft is superseded: December carries November and December, once.
    assert not Invoice.objects.filter(billing_account=account, cycle="2026-11").exists()
    december = Invoice.objects.get(billing_account=account, cycle="2026-12")
    assert [(ln.period_start, ln.net_amount) for ln in december.lines.order_by("position")] == [
        (date(2026, 11, 1), Decimal("9.16")), (date(2026, 12, 1), Decimal("9.16"))]
