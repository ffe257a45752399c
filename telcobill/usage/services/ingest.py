"""The one ingestion use case, for files, API batches and re-processed rejects (specs/usage-records.md).

Per chunk of records, one transaction (docs/usage.md, "Commit protocol"):
  1. validate each record alone (format, a line in service at its time, a zone in the catalogue,
     the retention) — column-wise for the plain good ones (usage.screen), one by one for the
     others — a bad record is rejected with its line number, raw text and reason;
  2. write the good records as Parquet files, one per month they happened in;
  3. lock the source, insert the record keys; if one is known already (the unique key refuses
     it), drop the records the source has — duplicates — and write the files again without them;
  4. in the same transaction: the files as live, the rejects, the batch committed.
A crash before 4 commits leaves files nobody lists (swept later) and nothing counted: a re-run
ingests them again. A crash after leaves everything counted: a re-run finds duplicates.
"""

from __future__ import annotations

import gc
import os
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, islice, repeat

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from telcobill.errors import Invalid, NotFound

from .. import screen, store
from ..csvfile import Block, RowBlock, read_blocks
from ..models import BatchStatus, IngestBatch, RecordKey, RejectedRecord, RejectStatus, UsageFile, UsageSource
from ..rating.catalogue import load_tariff
from ..rating.inputs import HOME_COUNTRIES, PARIS, Tariff
from ..records import ParsedRecord, validate
from .retention import retention_start

RAW_LIMIT = 2000
KEY_QUERY_CHUNK = 5000


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    batch_ids: list[int] = field(default_factory=list)
    months: set[date] = field(default_factory=set)
    line_ids: set[int] = field(default_factory=set)

    def add(self, other: IngestResult) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.batch_ids += other.batch_ids
        self.months |= other.months
        self.line_ids |= other.line_ids


class Checker:
    """What a record must satisfy beyond its format: a line in service at its time, zones the
    catalogue knows, not older than the retention nor in the future."""

    def __init__(self, tariff: Tariff, now: datetime):
        from telcobill.customers.models import Line

        self.tariff = tariff
        self.lines: dict[str, list[tuple[date, date, int]]] = defaultdict(list)
        for line_id, msisdn, activated, terminated in Line.objects.exclude(activated_on=None).values_list(
                "pk", "msisdn", "activated_on", "terminated_on"):
            self.lines[msisdn].append((activated, terminated or date.max, line_id))
        self.oldest = retention_start(now)
        self.latest = (now + timedelta(days=1)).astimezone(PARIS).date()
        self.prefix_lengths = sorted({len(p) for p in tariff.destination_prefixes}, reverse=True)
        self._context: screen.Context | None = None

    def context(self) -> screen.Context:
        """The same checks, column-wise (usage.screen)."""
        if self._context is None:
            periods = [(msisdn, activated, terminated, line_id) for msisdn, spans in self.lines.items()
                       for activated, terminated, line_id in spans]
            lines = pa.table({"msisdn": [p[0] for p in periods], "activated": [p[1] for p in periods],
                              "terminated": [p[2] for p in periods], "line_id": [p[3] for p in periods]},
                             schema=pa.schema([("msisdn", pa.string()), ("activated", pa.date32()),
                                               ("terminated", pa.date32()), ("line_id", pa.int64())]))
            prefixes: dict[int, list[str]] = defaultdict(list)
            for prefix in self.tariff.destination_prefixes:
                prefixes[len(prefix)].append(prefix)
            self._context = screen.Context(
                lines=lines, oldest=self.oldest, latest=self.latest,
                countries=pa.array(sorted({*HOME_COUNTRIES, *self.tariff.roaming_countries}), pa.string()),
                network_zone=self._network_zone,
                prefixes={size: pa.array(values, pa.string()) for size, values in prefixes.items()})
        return self._context

    def line_of(self, record: ParsedRecord, day: date) -> int | None:
        for activated, terminated, line_id in self.lines.get(record.msisdn, ()):
            if activated <= day <= terminated:
                return line_id
        return None

    def check(self, record: ParsedRecord, line_number: int) -> tuple[int, date] | str:
        day = record.started_at.astimezone(PARIS).date()
        where = f"line {line_number}"
        if day < self.oldest:
            return (f"{where}: started_at {record.started_at.isoformat()} is older than the "
                    f"{settings.USAGE['retention_months']}-month retention (kept from {self.oldest})")
        if day > self.latest:
            return f"{where}: started_at {record.started_at.isoformat()} is in the future"
        line_id = self.line_of(record, day)
        if line_id is None:
            known = "no line" if record.msisdn not in self.lines else "no line in service"
            return (f"{where}: msisdn {record.msisdn} has {known} on {day} "
                    f"(re-process the record once the line is activated)")
        if record.country not in HOME_COUNTRIES and record.country not in self.tariff.roaming_countries and not (
                record.network and self._network_zone(record.network)):
            return (f"{where}: country {record.country} is in no roaming zone of the catalogue "
                    f"(add it to a zone, then re-process)")
        if (record.type in ("voice", "sms", "mms") and record.direction == "out"
                and record.peer_kind == "number" and not self._destination(record.peer)):
            return (f"{where}: peer {record.peer} matches no destination zone of the catalogue "
                    f"(add its prefix to a zone, then re-process)")
        return line_id, day

    def _destination(self, peer: str) -> str | None:
        for length in self.prefix_lengths:
            zone = self.tariff.destination_prefixes.get(peer[:length])
            if zone and len(peer) >= length:
                return zone
        return None

    def _network_zone(self, network: str) -> str | None:
        for length in range(len(network), 2, -1):
            zone = self.tariff.roaming_networks.get(network[:length])
            if zone:
                return zone
        return None


def get_source(name: str) -> UsageSource:
    try:
        return UsageSource.objects.get(name=name)
    except UsageSource.DoesNotExist:
        known = ", ".join(UsageSource.objects.values_list("name", flat=True)) or "none yet"
        raise NotFound(f"usage source {name!r} does not exist (known: {known}); create it in the back office "
                       f"or with `telcobill usage source add {name}`") from None


def ingest_file(source: UsageSource, path: str, *, progress: Callable[[int], None] | None = None,
                now: datetime | None = None) -> IngestResult:
    """Ingest one CSV / CSV.gz file. A file that cannot be read is refused whole (Invalid), with
    the refusal recorded for the back office, and nothing ingested."""
    from pathlib import Path

    name = Path(path).name
    try:
        # The reader checks the whole file before its first row; a truncated archive found
        # further on is refused too, and what was committed before stays.
        return ingest_blocks(source, read_blocks(path), origin=name, channel="file", progress=progress, now=now)
    except Invalid as exc:
        IngestBatch.objects.create(source=source, channel="file", origin=name[:300], status=BatchStatus.REFUSED,
                                   message=exc.message)
        raise


def ingest_rows(source: UsageSource, rows: Iterable, *, origin: str, channel: str,
                progress: Callable[[int], None] | None = None, now: datetime | None = None,
                reprocessed: dict[int, RejectedRecord] | None = None) -> IngestResult:
    """Ingest rows (line_number, raw, fields) in chunks, one transaction each."""
    size = settings.USAGE["chunk_records"]
    rows = iter(rows)
    blocks = (RowBlock(part) for part in iter(lambda: list(islice(rows, size)), []))
    return ingest_blocks(source, blocks, origin=origin, channel=channel, progress=progress, now=now,
                         reprocessed=reprocessed)


def ingest_blocks(source: UsageSource, blocks: Iterable[Block], *, origin: str, channel: str,
                  progress: Callable[[int], None] | None = None, now: datetime | None = None,
                  reprocessed: dict[int, RejectedRecord] | None = None) -> IngestResult:
    """Ingest blocks of records (usage.csvfile) in chunks of about `chunk_records`, one
    transaction each."""
    now = now or timezone.now()
    checker = Checker(load_tariff(), now)
    result = IngestResult()
    size = settings.USAGE["chunk_records"]

    def ingest(chunk: list[Block]) -> None:
        done = _Chunk(chunk)
        result.add(_ingest_chunk(source, done, checker, origin, channel, now, reprocessed))
        if progress:
            progress(len(done))

    chunk: list[Block] = []
    count = 0
    for block in blocks:
        chunk.append(block)
        count += len(block)
        if count >= size:
            ingest(chunk)
            chunk, count = [], 0
    if chunk or not result.batch_ids:
        ingest(chunk)
    return result


class _Chunk:
    """The records of some blocks, numbered from 0 across them."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        self.starts = list(accumulate(map(len, blocks), initial=0))

    def __len__(self) -> int:
        return self.starts[-1]

    def row(self, pos: int):
        index = bisect_right(self.starts, pos) - 1
        return self.blocks[index].row(pos - self.starts[index])

    def rows(self):
        return [block.row(i) for block in self.blocks for i in range(len(block))]

    def columns(self) -> dict[str, pa.Array] | None:
        parts = [block.columns() for block in self.blocks]
        if not parts or any(part is None for part in parts):
            return None
        return {name: pa.concat_arrays([part[name] for part in parts]) for name in parts[0]}


def _ingest_chunk(source, chunk: _Chunk, checker: Checker, origin, channel, now, reprocessed) -> IngestResult:
    # A chunk allocates millions of small acyclic objects: the cyclic collector would walk them
    # again and again for nothing (a third of the time). Reference counting frees them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _ingest_chunk_unchecked(source, chunk, checker, origin, channel, now, reprocessed)
    finally:
        if collecting:
            gc.enable()


def _ingest_chunk_unchecked(source, chunk: _Chunk, checker: Checker, origin, channel, now,
                            reprocessed) -> IngestResult:
    result = IngestResult()
    # Most records are taken column-wise; the others are validated one by one, for their reason.
    screened = screen.screen(len(chunk), chunk.columns(), checker.context())
    slow: list[tuple[int, ParsedRecord, int, date]] = []
    rejects: list[tuple] = []  # (row, reason, record_id, day)
    for pos in screened.rest:
        row = chunk.row(pos)
        parsed = validate(row.fields, row.line_number)
        if isinstance(parsed, str):
            rejects.append((row, parsed, str(row.fields.get("record_id", ""))[:64], None))
            continue
        checked = checker.check(parsed, row.line_number)
        if isinstance(checked, str):
            rejects.append((row, checked, parsed.record_id, parsed.started_at.astimezone(PARIS).date()))
            continue
        slow.append((pos, parsed, *checked))
    # In key order: the files hold records in any order, and each key then lands next to the
    # previous one in the unique index (ids in no order took twice as long to insert on SQLite).
    good = _first_of_each(pa.concat_tables([screened.good, _typed(slow)])).sort_by("record_id")
    result.duplicates += len(screened.good) + len(slow) - len(good)  # twice in the same input

    batch = IngestBatch.objects.create(source=source, channel=channel, origin=origin[:300])
    # Written before the lock, so that other ingestions of the source wait less; counted only
    # once listed live by the commit below.
    written = _write_months(source, batch, good)
    with transaction.atomic():
        UsageSource.objects.select_for_update().filter(pk=source.pk).first()  # same-source ingestions queue
        try:
            # The unique key says whether the source already has one of them: no query first.
            with transaction.atomic():
                keys = _keys(source, batch, written)
                _insert_keys(keys)
        except IntegrityError:
            # It has (an overlapping file, a retried batch): the files are written again without
            # them (the first ones are never listed, and swept).
            known = _known_keys(source.pk, good["record_id"].to_pylist())
            result.duplicates += len(known)
            good = good.filter(pc.invert(pc.is_in(good["record_id"], pa.array(sorted(known), pa.string()))))
            written = _write_months(source, batch, good)
            keys = _keys(source, batch, written)
            _insert_keys(keys)
        files = [UsageFile(path=path, month=month, batch=batch, records=len(part), size=size)
                 for month, part, path, size in written]
        for month, part, _, _ in written:
            result.months.add(month)
            result.line_ids.update(pc.unique(part["line_id"]).to_pylist())
        UsageFile.objects.bulk_create(files)
        RejectedRecord.objects.bulk_create([
            RejectedRecord(source=source, batch=batch, line_number=row.line_number, raw=row.raw[:RAW_LIMIT],
                           fields=_small(row.fields), reason=reason[:300], record_id=record_id, happened_on=day)
            for row, reason, record_id, day in rejects if not reprocessed])
        result.accepted = len(keys)
        result.rejected = len(rejects)
        IngestBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.COMMITTED, accepted=result.accepted, duplicates=result.duplicates,
            rejected=result.rejected, committed_at=timezone.now())
        if reprocessed:
            _resolve_reprocessed(reprocessed, chunk.rows(), rejects, batch)
        if result.accepted:
            from ..tasks import refresh_counters_task

            months = sorted(m.isoformat() for m in result.months)
            lines = ",".join(map(str, sorted(result.line_ids)))
            transaction.on_commit(lambda: refresh_counters_task.enqueue(months, lines), robust=True)
            if channel == "api" and settings.USAGE["compact_below"]:
                # API batches leave small files: the months they touched are compacted.
                from ..tasks import compact_usage_task

                for month in months:
                    transaction.on_commit(lambda m=month: compact_usage_task.enqueue(m), robust=True)
    result.batch_ids.append(batch.pk)
    return result


def _known_keys(source_id: int, record_ids: list[str]) -> set[str]:
    """The ids the source already has (plain SQL: the ORM's IN lookup costs more than the query)."""
    known: set[str] = set()
    table = RecordKey._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(record_ids), KEY_QUERY_CHUNK):
            part = record_ids[start:start + KEY_QUERY_CHUNK]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"SELECT record_id FROM {table} WHERE source_id = %s AND record_id IN ({marks})",
                           [source_id, *part])
            known.update(row[0] for row in cursor.fetchall())
    return known


def _keys(source: UsageSource, batch: IngestBatch, written: list[tuple]) -> list[tuple]:
    return [key for month, part, _, _ in written
            for key in zip(repeat(source.pk), part["record_id"].to_pylist(), repeat(month.isoformat()),
                           repeat(batch.pk))]


def _insert_keys(keys: list[tuple]) -> None:
    """Plain multi-row inserts (COPY on PostgreSQL): the ORM's bulk_create costs more than the
    rest of the ingestion. IntegrityError when the source has one of them already."""
    if not keys:
        return
    table = RecordKey._meta.db_table
    columns = "(source_id, record_id, month, batch_id)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own cursor: its errors made Django's (IntegrityError) by hand.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
                for key in keys:
                    copy.write_row(key)
        else:
            cursor.executemany(f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s)", keys)


def _write_months(source: UsageSource, batch: IngestBatch, good: pa.Table) -> list[tuple]:
    """The records as one Parquet file per month they happened in: (month, records, path, size)."""
    written = []
    for month in sorted({day.replace(day=1) for day in pc.unique(good["day"]).to_pylist()}):
        following = (month + timedelta(days=32)).replace(day=1)
        part = good.filter(pc.and_(pc.greater_equal(good["day"], pa.scalar(month)),
                                   pc.less(good["day"], pa.scalar(following))))
        table = pa.table({"source": pa.array(repeat(source.name, len(part)), pa.string()),
                          **{name: part[name] for name in store.SCHEMA.names if name not in ("source", "batch_id")},
                          "batch_id": pa.array(repeat(batch.pk, len(part)), pa.int64())}).cast(store.SCHEMA)
        written.append((month, part, *store.write_table(table, month, f"b{batch.pk:08d}")))
    return written


def _first_of_each(good: pa.Table) -> pa.Table:
    """The records in input order, each record_id once: the first."""
    good = good.sort_by("pos")
    if pc.count_distinct(good["record_id"]).as_py() == len(good):
        return good
    seen: set[str] = set()
    first = [not (record_id in seen or seen.add(record_id)) for record_id in good["record_id"].to_pylist()]
    return good.filter(pa.array(first))


def _typed(items: list[tuple[int, ParsedRecord, int, date]]) -> pa.Table:
    """Records validated one by one, as `screen` types the others."""
    columns: dict[str, list] = {name: [] for name in screen.GOOD_SCHEMA.names}
    for pos, parsed, line_id, day in items:
        columns["pos"].append(pos)
        columns["record_id"].append(parsed.record_id)
        columns["line_id"].append(line_id)
        columns["msisdn"].append(parsed.msisdn)
        columns["type"].append(parsed.type)
        columns["direction"].append(parsed.direction)
        columns["started_at"].append(parsed.started_at.astimezone(UTC))
        columns["day"].append(day)
        columns["peer"].append(parsed.peer)
        columns["peer_kind"].append(parsed.peer_kind)
        columns["quantity"].append(parsed.quantity)
        columns["amount"].append(parsed.amount)
        columns["country"].append(parsed.country)
        columns["network"].append(parsed.network)
    return pa.table(columns, schema=screen.GOOD_SCHEMA)


def _small(fields: dict) -> dict:
    return {str(k)[:40]: str(v)[:200] for k, v in list(fields.items())[:30]}


def _resolve_reprocessed(reprocessed: dict[int, RejectedRecord], rows, rejects, batch) -> None:
    """Re-processed rejects (keyed by their line number in their original batch) leave the queue,
    accepted or found duplicate, unless rejected again: then they stay, with the new reason."""
    again = {row.line_number: reason for row, reason, _, _ in rejects}
    still = [reprocessed[n] for n in again if n in reprocessed]
    for reject in still:
        reject.reason = again[reject.line_number][:300]
    RejectedRecord.objects.bulk_update(still, ["reason"])
    RejectedRecord.objects.filter(pk__in=[reprocessed[row.line_number].pk for row in rows
                                          if row.line_number in reprocessed and row.line_number not in again]
                                  ).update(status=RejectStatus.REPROCESSED, resolved_batch=batch)


FileDone = Callable[[str, "IngestResult | None", str], None]


def ingest_files(source: UsageSource, paths: list[str], *, workers: int = 1, now: datetime | None = None,
                 on_file: FileDone | None = None) -> tuple[IngestResult, list[str]]:
    """Ingest files, several at once in spawned worker processes when `workers` > 1: reading and
    checking run in parallel, commits queue on the source's lock. Returns the summed result and
    the refusal messages of the files refused whole (the others are ingested)."""
    total, refused = IngestResult(), []

    def done(path, result, refusal):
        if result is not None:
            total.add(result)
        if refusal:
            refused.append(refusal)
        if on_file:
            on_file(path, result, refusal)

    if workers <= 1 or len(paths) < 2:
        for path in paths:
            done(path, *ingest_one(source.pk, path, now))
        return total, refused
    from telcobill.processes import django_pool

    from .. import workers as worker

    with django_pool(min(workers, len(paths)), initializer=worker.setup,
                     initargs=(settings.USAGE["store"], os.environ.get("TELCOBILL_TASKS", ""))) as pool:
        futures = {pool.submit(worker.ingest_one, source.pk, path, now): path for path in paths}
        for future in as_completed(futures):
            done(futures[future], *future.result())
    return total, refused


def ingest_one(source_id: int, path: str, now: datetime | None) -> tuple[IngestResult | None, str]:
    """One file: its result, or the message that refused it whole."""
    try:
        return ingest_file(UsageSource.objects.get(pk=source_id), path, now=now), ""
    except Invalid as exc:
        return None, exc.message
