"""The usage store: accepted records as Parquet files, one folder per month they happened in.

    {store}/records/month=2026-10/b00000042-<uuid>.parquet

Files are written before the transaction that makes them count commits; only files listed live
in `UsageFile` are read, so a file left by a crash is never counted, and `sweep` removes it.
Any fsspec location works (a folder by default; s3://... in production).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

SCHEMA = pa.schema([
    ("source", pa.string()),
    ("record_id", pa.string()),
    ("line_id", pa.int64()),
    ("msisdn", pa.string()),
    ("type", pa.string()),
    ("direction", pa.string()),
    ("started_at", pa.timestamp("us", tz="UTC")),
    ("day", pa.date32()),  # the day in Europe/Paris: the month, prices and plans in force
    ("peer", pa.string()),
    ("peer_kind", pa.string()),
    ("quantity", pa.int64()),
    ("amount", pa.decimal128(18, 6)),
    ("country", pa.string()),
    ("network", pa.string()),
    ("batch_id", pa.int64()),
])


def filesystem() -> tuple[fsspec.AbstractFileSystem, str]:
    fs, root = fsspec.core.url_to_fs(settings.USAGE["store"])
    return fs, root.rstrip("/")


def month_folder(month: date) -> str:
    return f"records/month={month:%Y-%m}"


def write_file(columns: dict[str, list], month: date, batch_id: int) -> tuple[str, int]:
    """Write one Parquet file of records (columns of SCHEMA but batch_id); return its path
    relative to the store and its size. The name is new every time: never overwritten."""
    count = len(columns["record_id"])
    table = pa.table({**columns, "batch_id": [batch_id] * count}, schema=SCHEMA)
    return write_table(table, month, f"b{batch_id:08d}")


def write_table(table: pa.Table, month: date, prefix: str) -> tuple[str, int]:
    fs, root = filesystem()
    relative = f"{month_folder(month)}/{prefix}-{uuid.uuid4().hex[:12]}.parquet"
    fs.makedirs(f"{root}/{month_folder(month)}", exist_ok=True)
    with fs.open(f"{root}/{relative}", "wb") as handle:
        pq.write_table(table, handle, compression="zstd")
    return relative, fs.size(f"{root}/{relative}")


def live_paths(month: date) -> list[str]:
    """Absolute paths of the month's live files, in a stable order."""
    from .models import UsageFile

    fs, root = filesystem()
    protocol = fs.protocol[0] if isinstance(fs.protocol, tuple) else fs.protocol
    prefix = "" if protocol in ("file", "local") else f"{protocol}://"
    return [f"{prefix}{root}/{p}" for p in UsageFile.objects.filter(month=month, live=True)
            .order_by("path").values_list("path", flat=True)]


def read_month(month: date, line_ids=None) -> pa.Table:
    """The month's accepted records (optionally of some lines) as one Arrow table."""
    paths = live_paths(month)
    if not paths:
        return SCHEMA.empty_table()
    fs, _ = filesystem()
    dataset_filter = None
    if line_ids is not None:
        import pyarrow.compute as pc

        dataset_filter = pc.field("line_id").isin(list(line_ids))
    import pyarrow.dataset as ds

    dataset = ds.dataset([p.split("://", 1)[-1] for p in paths], schema=SCHEMA, format="parquet", filesystem=fs)
    return dataset.to_table(filter=dataset_filter)


def sweep(*, older_than: timedelta = timedelta(hours=1)) -> list[str]:
    """Delete files no live `UsageFile` lists (left by a crash, or compacted) once older than
    `older_than` (a reader may still be on a file just compacted). Returns what was deleted."""
    from .models import UsageFile

    fs, root = filesystem()
    if not fs.exists(f"{root}/records"):
        return []
    live = set(UsageFile.objects.filter(live=True).values_list("path", flat=True))
    limit = datetime.now(UTC) - older_than
    deleted = []
    for path in fs.find(f"{root}/records"):
        relative = path[len(root) + 1:] if path.startswith(root) else path
        if relative in live or not relative.endswith(".parquet"):
            continue
        modified = fs.modified(path)
        if modified.tzinfo is None:
            modified = modified.replace(tzinfo=UTC)
        if modified < limit:
            fs.rm(path)
            deleted.append(relative)
    UsageFile.objects.filter(live=False, path__in=deleted).delete()
    return deleted


def remove_month(month: date) -> None:
    fs, root = filesystem()
    folder = f"{root}/{month_folder(month)}"
    if fs.exists(folder):
        fs.rm(folder, recursive=True)
