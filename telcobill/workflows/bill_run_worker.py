"""The entry points of a spawned bill-run worker (importable before Django is set up)."""

from __future__ import annotations

from telcobill.processes import setup_django

_validator = None


def start_worker(url: str) -> None:
    global _validator
    setup_django(url)
    from telcobill.documents.services.validate import DraftValidator

    _validator = DraftValidator()


def compute_in_worker(run_id: int, account_ids: list[int]) -> int:
    from telcobill.billing.models import BillRun
    from telcobill.catalogue.snapshot import load_snapshot

    from .bill_run_batch import compute_batch

    return compute_batch(BillRun.objects.get(pk=run_id), account_ids, load_snapshot(), _validator)
