"""One batch of a bill run's computation, in this process or in worker processes.

Workers are spawned (not forked: saxonche, which validates business drafts, must not be
inherited through fork), set Django up once, and compute batches handed out by the
coordinator, each in its own transaction. The coordinator keeps the run lock alive.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import as_completed

from telcobill.billing.models import BillRun, Invoice, InvoiceStatus
from telcobill.billing.services.drafts import compute_drafts
from telcobill.catalogue.snapshot import CatalogueSnapshot
from telcobill.customers.models import BillingAccount
from telcobill.documents.services.validate import DraftValidator
from telcobill.processes import django_pool

from .bill_run_worker import compute_in_worker, start_worker


def compute_batch(run: BillRun, account_ids: list[int], catalogue: CatalogueSnapshot,
                  validator: DraftValidator | None) -> int:
    """Drafts for these accounts, the business ones validated; returns how many accounts."""
    batch = list(BillingAccount.objects.filter(pk__in=account_ids).select_related("customer").order_by("pk"))
    compute_drafts(bill_run=run, accounts=batch, catalogue=catalogue)
    if validator is not None and validator.enabled:
        business = [a for a in batch if a.customer.is_business]
        drafts = list(Invoice.objects.filter(bill_run=run, billing_account__in=business, status=InvoiceStatus.DRAFT)
                      .select_related("corrects", "billing_account").prefetch_related("lines"))
        validator.hold_failing(drafts, issue_date=run.issue_date)
    return len(account_ids)


class ComputePool:
    """Long-lived worker processes computing batches; reusable across runs."""

    def __init__(self, workers: int):
        self.workers = workers
        self._executor = django_pool(workers, initializer=start_worker)

    def compute(self, run_id: int, batches: list[list[int]]) -> Iterator[int]:
        futures = [self._executor.submit(compute_in_worker, run_id, batch) for batch in batches]
        for future in as_completed(futures):
            yield future.result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ComputePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
