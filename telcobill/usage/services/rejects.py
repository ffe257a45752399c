"""Rejected records: re-processed once their cause is fixed (a line activated late, a zone added
to the catalogue), or discarded by staff."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from ..csvfile import Row
from ..models import RejectedRecord, RejectStatus, UsageSource
from .ingest import IngestResult, ingest_rows


def reprocess_rejects(*, source: UsageSource | None = None, ids: list[int] | None = None, now=None) -> IngestResult:
    """Run the open rejects through the ingestion again, batch by batch: the accepted and the
    duplicates leave the queue; the others stay with their new reason."""
    now = now or timezone.now()
    query = RejectedRecord.objects.filter(status=RejectStatus.OPEN).select_related("source")
    if source is not None:
        query = query.filter(source=source)
    if ids is not None:
        query = query.filter(pk__in=ids)
    by_batch: dict[int, list[RejectedRecord]] = defaultdict(list)
    for reject in query.order_by("batch_id", "line_number"):
        by_batch[reject.batch_id].append(reject)
    result = IngestResult()
    for batch_id, rejects in by_batch.items():
        rows = [Row(r.line_number, r.raw, r.fields) for r in rejects]
        result.add(ingest_rows(rejects[0].source, rows, origin=f"re-processing of batch #{batch_id}",
                               channel="reprocess", now=now, reprocessed={r.line_number: r for r in rejects}))
    return result


def discard_rejects(ids: list[int]) -> int:
    return RejectedRecord.objects.filter(pk__in=ids, status=RejectStatus.OPEN).update(status=RejectStatus.DISCARDED)
