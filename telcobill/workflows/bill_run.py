"""The bill run of a cycle: rate -> generate -> validate -> (approve) -> issue -> render.

Each step calls the use case of the app that owns it. The run is idempotent and resumable:
every batch commits on its own, a killed run continues where it stopped when started again,
and the unique (account, cycle) constraint keeps one document per account and cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from telcobill.billing.models import BillRun, BillRunHold, BillRunStatus, Invoice, InvoiceStatus
from telcobill.billing.services import billrun
from telcobill.billing.services.report import build_report
from telcobill.catalogue.snapshot import load_snapshot
from telcobill.customers.models import BillingAccount
from telcobill.documents.services.validate import DraftValidator
from telcobill.documents.tasks import archive_task, print_batch_task
from telcobill.errors import NotAllowed
from telcobill.usage.services.rating import rate_for_billing, usage_month_of
from telcobill.usage.tasks import plan_advice_task

from .bill_run_batch import ComputePool, compute_batch
from .issuing import issue_and_store

Progress = Callable[[str, int, int], None]


def _quiet(phase: str, done: int, total: int) -> None:
    pass


def run_bill_run(cycle: str, *, trial: bool = False, approve_by: str = "", recompute: bool = True,
                 clock: Callable[[], datetime] = timezone.now, progress: Progress = _quiet,
                 workers: int = 1, validator: DraftValidator | None = None,
                 pool: ComputePool | None = None) -> BillRun:
    """Compute the cycle (or resume an interrupted computation) and, once approved, issue it.

    `approve_by`: approve the computed run in the same call (automation, the demo).
    `recompute`: a computed, not yet approved run is computed again from the current facts.
    `workers` > 1: batches are computed (and validated) by that many processes at once;
    `pool`: a ComputePool to reuse across runs instead. `validator`: a DraftValidator to reuse
    across runs computed in this process.
    Refuses with NotAllowed while another process runs the same cycle."""
    run = billrun.get_or_create_run(cycle)
    owner = billrun.new_lock_owner()
    billrun.acquire_lock(run, owner, now=clock())
    try:
        run.refresh_from_db()
        if approve_by and run.trial and run.status == BillRunStatus.COMPUTED:
            # Approval is of a report staff have read: a trial's must be computed for real first.
            raise NotAllowed(f"cycle {cycle} was computed as a trial: compute it for real with "
                             f"`telcobill billrun --cycle {cycle}`, read the report, then approve", code="trial")
        needs_compute = (
            run.status == BillRunStatus.COMPUTING
            or (run.status == BillRunStatus.COMPUTED and (trial or (recompute and not approve_by) or run.trial))
        )
        if needs_compute:
            if pool is None and workers > 1:
                with ComputePool(workers) as own_pool:
                    _compute(run, owner, trial=trial, clock=clock, progress=progress, validator=None, pool=own_pool)
            elif pool is not None or validator is not None:
                _compute(run, owner, trial=trial, clock=clock, progress=progress, validator=validator, pool=pool)
            else:
                with DraftValidator() as own:
                    _compute(run, owner, trial=trial, clock=clock, progress=progress, validator=own)
        if approve_by and run.status == BillRunStatus.COMPUTED and not run.trial:
            run = billrun.approve(cycle=cycle, by=approve_by, now=clock())
        if run.status in (BillRunStatus.APPROVED, BillRunStatus.ISSUING) or (
                run.status == BillRunStatus.ISSUED and _issuable(run).exists()):
            _issue(run, owner, clock=clock, progress=progress)
        return run
    finally:
        billrun.release_lock(run, owner)


def _compute(run: BillRun, owner: str, *, trial: bool, clock, progress: Progress, validator,
             pool: ComputePool | None = None) -> None:
    resuming = run.status == BillRunStatus.COMPUTING and run.generation > 0 and run.trial == trial
    if not resuming:
        run.generation += 1
        run.status, run.trial, run.approved_by, run.approved_at = BillRunStatus.COMPUTING, trial, "", None
        run.started_at, run.computed_at, run.finished_at = clock(), None, None
        run.save()
    # Rate: the usage month, and earlier months that received late records (docs/rating.md).
    rate_for_billing(usage_month_of(run.cycle), now=clock())
    ids = list(BillingAccount.objects.order_by("pk").values_list("pk", flat=True))
    if resuming:
        done = set(Invoice.objects.filter(bill_run=run, generation=run.generation).values_list(
            "billing_account_id", flat=True))
        ids = [i for i in ids if i not in done]
    size = settings.BILLING["batch_size"]
    if pool is not None:  # enough batches to keep every worker busy
        size = min(size, max(50, -(-len(ids) // (4 * pool.workers))))
    batches = [ids[start:start + size] for start in range(0, len(ids), size)]
    if pool is not None:
        counts = pool.compute(run.pk, batches)
    else:
        catalogue = load_snapshot()
        counts = (compute_batch(run, batch, catalogue, validator) for batch in batches)
    done_count = 0
    for count in counts:  # batches commit one by one; the coordinator keeps the lock alive
        done_count += count
        billrun.heartbeat(run, owner, now=clock())
        progress("compute", done_count, len(ids))
    run.status, run.computed_at = BillRunStatus.COMPUTED, clock()
    run.report = build_report(run)
    run.save(update_fields=["status", "computed_at", "report"])


def _issuable(run: BillRun):
    held = BillRunHold.objects.filter(cycle=run.cycle).values("billing_account_id")
    return Invoice.objects.filter(bill_run=run, status=InvoiceStatus.DRAFT).exclude(billing_account_id__in=held)


def _issue(run: BillRun, owner: str, *, clock, progress: Progress) -> None:
    BillRun.objects.filter(pk=run.pk).update(status=BillRunStatus.ISSUING)
    run.status = BillRunStatus.ISSUING
    # The queue is read once, in numbering order (re-scanning a table being updated is slow on
    # PostgreSQL); each batch is read again, so an account held meanwhile is left out and a
    # draft issued or held meanwhile is skipped under the issue's row lock.
    queue = list(_issuable(run).order_by("billing_account__number").values_list("pk", flat=True))
    size = settings.BILLING["batch_size"]
    for start in range(0, len(queue), size):
        batch = list(_issuable(run).filter(pk__in=queue[start:start + size]).order_by("billing_account__number"))
        # Every draft of the batch leaves the queue: issued, or held by the final checks.
        issue_and_store(batch, issue_date=run.issue_date, now=clock())
        billrun.heartbeat(run, owner, now=clock())
        progress("issue", min(start + size, len(queue)), len(queue))
    with transaction.atomic():
        run.status, run.finished_at = BillRunStatus.ISSUED, clock()
        run.report = build_report(run)
        run.save(update_fields=["status", "finished_at", "report"])
        # The month just billed is one more month of real usage to compare the plans on.
        transaction.on_commit(lambda: plan_advice_task.enqueue(), robust=True)
        # The customers on paper: one print batch for the mail house.
        transaction.on_commit(lambda: print_batch_task.enqueue(run.cycle), robust=True)
        # Archived once for the run, not after each batch's render: the archive's scan of what is
        # pending reads every issued document.
        transaction.on_commit(lambda: archive_task.enqueue(), robust=True)
