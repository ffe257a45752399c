"""Compaction: the many small files API batches leave in a month become one (same records, same
batch ids). Swapped in one transaction that first checks the small files are still live, so two
compactions at once cannot both count them; the old files are swept once no reader needs them."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import transaction

from .. import store
from ..models import UsageFile

MIN_FILES = 10


def compact_month(month: date, *, below: int | None = None, min_files: int = MIN_FILES) -> int:
    """Merge the month's live files of fewer than `below` records when there are at least
    `min_files` of them; returns how many files were merged (0: nothing to do or lost a race)."""
    below = settings.USAGE["compact_below"] if below is None else below
    small = list(UsageFile.objects.filter(month=month, live=True, records__lt=below).order_by("path"))
    if len(small) < max(min_files, 2):
        return 0
    fs, root = store.filesystem()
    tables = []
    for file in small:
        with fs.open(f"{root}/{file.path}", "rb") as handle:
            tables.append(pq.read_table(handle, schema=store.SCHEMA))
    merged = pa.concat_tables(tables).sort_by([("started_at", "ascending"), ("source", "ascending"),
                                               ("record_id", "ascending")])
    path, size = store.write_table(merged, month, "compact")
    with transaction.atomic():
        still = UsageFile.objects.select_for_update().filter(pk__in=[f.pk for f in small], live=True)
        if still.count() != len(small):
            transaction.on_commit(lambda: fs.rm(f"{root}/{path}"))
            return 0
        still.update(live=False)
        UsageFile.objects.create(path=path, month=month, batch=None, records=merged.num_rows, size=size)
    return len(small)
