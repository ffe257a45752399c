"""Usage benchmark: ingestion from CSV and rating from Parquet, each beside a baseline measured in
the same run, peak RSS, and Spark local against DuckDB on the same records.

    python bench/usage.py [--records 10000000] [--lines 100000] [--spark-records 1000000]
                          [--huge 100000000]

- ingestion: `telcobill usage ingest`'s use case on CSV files (SQLite database, demo catalogue),
  against the **baseline** of reading the same files with Python's csv module and nothing else;
- rating: the engine on the stored month (DuckDB) summed per line, charge, section and VAT rule
  (what the bill run asks of it), against the **kernel floor**: one plain DuckDB query doing only
  the longest-prefix match and the running allowance sum over the same Parquet files;
- Spark: the same 1 M records rated on Spark local and on DuckDB, rows compared;
- `--huge N`: N records written straight to Parquet and rated with DuckDB under a memory limit,
  spilling to disk: peak RSS of the process.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
CSV_COLUMNS = ["record_id", "msisdn", "type", "direction", "started_at", "peer", "peer_kind", "duration_s",
               "volume_bytes", "amount", "country", "network"]


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(data_dir: str) -> None:
    os.environ.update({"DATABASE_URL": f"sqlite:///{data_dir}/bench.sqlite3", "TELCOBILL_DATA_DIR": data_dir,
                       "TELCOBILL_SECRET_KEY": "bench-secret-key-0123456789-0123456789-0123456789",
                       "DJANGO_SETTINGS_MODULE": "telcobill.settings"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(lines: int) -> None:
    """The demo catalogue and `lines` lines numbered +336000NNNNN (pk = N on a fresh database)."""
    from telcobill.catalogue.loader import load_catalogue
    from telcobill.customers.models import BillingAccount, Customer, Line

    load_catalogue(ROOT / "telcobill" / "catalogue" / "demo_catalogue.toml")
    customer = Customer.objects.create(number="C0", kind="individual", name="Bench")
    account = BillingAccount.objects.create(customer=customer, number="A0", name="Bench", address_line1="1 rue",
                                            postcode="75001", city="Paris")
    Line.objects.bulk_create([Line(billing_account=account, msisdn=f"+336{n:08d}", status="active",
                                   activated_on=date(2026, 1, 1)) for n in range(1, lines + 1)], batch_size=5000)


def as_csv_table(table: pa.Table) -> pa.Table:
    """Store-schema records as the interchange CSV's columns (specs/usage-records.md)."""
    kind = table["type"]
    quantity = pc.cast(table["quantity"], pa.string())
    stamps = pc.strftime(table["started_at"], format="%Y-%m-%dT%H:%M:%SZ")
    empty = pa.scalar("", pa.string())
    return pa.table({
        "record_id": table["record_id"],
        "msisdn": pc.binary_join_element_wise("336", pc.utf8_lpad(pc.cast(table["line_id"], pa.string()), 8, "0"), ""),
        "type": kind, "direction": table["direction"], "started_at": stamps, "peer": table["peer"],
        "peer_kind": table["peer_kind"],
        "duration_s": pc.if_else(pc.equal(kind, "voice"), quantity, empty),
        "volume_bytes": pc.if_else(pc.equal(kind, "data"), quantity, empty),
        "amount": pc.if_else(pc.equal(kind, "content"), pc.cast(table["amount"], pa.string()), empty),
        "country": table["country"], "network": table["network"],
    })


def write_csv_files(folder: Path, records: int, lines: int, per_file: int) -> list[Path]:
    from telcobill.usage.rating import sample

    paths = []
    for index, start in enumerate(range(0, records, per_file)):
        count = min(per_file, records - start)
        table = sample.records(count, lines, seed=100 + index)
        table = table.set_column(1, "record_id", pc.binary_join_element_wise(f"f{index}-", table["record_id"], ""))
        path = folder / f"cdr-{index:03d}.csv"
        pacsv.write_csv(as_csv_table(table), path, pacsv.WriteOptions(quoting_style="none"))
        paths.append(path)
    return paths


def baseline_read(paths: list[Path]) -> tuple[float, int]:
    started, rows = time.perf_counter(), 0
    for path in paths:
        with (gzip.open(path, "rt", newline="") if path.suffix == ".gz" else open(path, newline="")) as handle:
            for _ in csv.reader(handle):
                rows += 1
    return time.perf_counter() - started, rows - len(paths)


def ingest(paths: list[Path], workers: int) -> tuple[float, int, int]:
    """`telcobill usage ingest`'s use case; the counters' refresh is a task for the task workers:
    queued, not run here."""
    from telcobill.usage.models import UsageSource
    from telcobill.usage.services.ingest import ingest_files

    source, _ = UsageSource.objects.get_or_create(name=f"bench{workers}")
    now = datetime(2026, 12, 2, tzinfo=UTC)
    started = time.perf_counter()
    total, refused = ingest_files(source, [str(p) for p in paths], workers=workers, now=now)
    assert not refused, refused
    return time.perf_counter() - started, total.accepted, total.rejected


def rate_store(lines: int) -> tuple[float, int, pa.Table]:
    """The engine over the month's Parquet files, summed per line, charge, section and VAT rule
    (what the bill run asks of it), under the configured memory limit."""
    from django.conf import settings

    from telcobill.usage import store
    from telcobill.usage.rating import engine, sample

    paths = store.live_paths(sample.MONTH)
    plans, groups = sample.lines_and_groups(lines)
    con = engine.connect(memory_limit=settings.USAGE["rating_memory"], temp_directory=tempfile.gettempdir())
    started = time.perf_counter()
    totals = engine.rate_totals(con, con.read_parquet(paths), sample.tariff(), plans, groups, sample.MONTH)
    return time.perf_counter() - started, int(pc.sum(totals["records"]).as_py()), totals


def kernel_floor(lines: int) -> tuple[float, int]:
    """Only the longest-prefix match (prefixes expanded, equality join) and the running allowance
    sum in record order, in one plain DuckDB query over the same files."""
    import duckdb

    from telcobill.usage import store
    from telcobill.usage.rating import sample

    paths = store.live_paths(sample.MONTH)
    tariff = sample.tariff()
    con = duckdb.connect()
    con.register("prefixes", pa.table({"prefix": list(tariff.destination_prefixes),
                                       "zone": list(tariff.destination_prefixes.values())}))
    files = ", ".join(f"'{p}'" for p in paths)
    started = time.perf_counter()
    count = con.execute(f"""
        WITH r AS (SELECT * FROM read_parquet([{files}])),
        candidates AS (
            SELECT r.source, r.record_id, p.zone, length(p.prefix) AS n
            FROM r, range(1, 9) AS l(len) JOIN prefixes p ON p.prefix = left(r.peer, CAST(l.len AS INTEGER))
            WHERE r.peer <> ''),
        best AS (SELECT source, record_id, arg_max(zone, n) AS zone FROM candidates GROUP BY ALL),
        rated AS (
            SELECT r.line_id, b.zone, r.quantity,
                   sum(r.quantity) OVER (PARTITION BY r.line_id, r.type ORDER BY r.started_at, r.source, r.record_id
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS used
            FROM r LEFT JOIN best b USING (source, record_id))
        SELECT count(*) FROM (SELECT line_id, zone, sum(least(quantity, greatest(0, used - 7200)))
                              FROM rated GROUP BY ALL) t
    """).fetchone()[0]
    return time.perf_counter() - started, count


def spark_parity(records: int, lines: int) -> None:
    from telcobill.usage.rating import engine, sample

    table = sample.records(records, lines, seed=3)
    tariff, (plans, groups) = sample.tariff(), sample.lines_and_groups(lines)
    started = time.perf_counter()
    duck = engine.rate_table(table, tariff, plans, groups, sample.MONTH, con=engine.connect())
    duck_s = time.perf_counter() - started
    con = engine.connect("spark", spark_master="local[2]")
    started = time.perf_counter()
    spark = engine.rate_table(table, tariff, plans, groups, sample.MONTH, con=con)
    spark_s = time.perf_counter() - started
    columns = [c for c in engine.OUTPUT if c != "started_at"]
    same = duck.select(columns).equals(spark.select(columns))
    print(f"[spark] {records:,} records: DuckDB {duck_s:.1f} s ({records / duck_s:,.0f}/s), Spark local[2] "
          f"{spark_s:.1f} s ({records / spark_s:,.0f}/s), Spark / DuckDB = {spark_s / duck_s:.1f}x; "
          f"rated records identical: {same}", flush=True)


def huge(records: int, lines: int, folder: Path) -> None:
    import pyarrow.parquet as pq

    from telcobill.usage.rating import engine, sample

    paths = []
    for index, start in enumerate(range(0, records, 5_000_000)):
        path = folder / f"huge-{index:03d}.parquet"
        pq.write_table(sample.records(min(5_000_000, records - start), lines, seed=500 + index), path)
        paths.append(str(path))
    plans, groups = sample.lines_and_groups(lines)
    con = engine.connect(memory_limit="6GB", temp_directory=str(folder / "spill"))
    before = rss_mib()
    started = time.perf_counter()
    parts = -(-records // 10_000_000)
    out = engine.rate_totals(con, con.read_parquet(paths), sample.tariff(), plans, groups, sample.MONTH, parts=parts)
    seconds = time.perf_counter() - started
    print(f"[huge] {int(pc.sum(out['records']).as_py()):,} records rated in {seconds:.0f} s "
          f"({records / seconds:,.0f}/s) in {parts} parts of lines, DuckDB memory_limit=6GB; peak RSS "
          f"{rss_mib():,.0f} MiB (before rating {before:,.0f} MiB)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--per-file", type=int, default=1_000_000)
    parser.add_argument("--spark-records", type=int, default=1_000_000)
    parser.add_argument("--huge", type=int, default=0)
    parser.add_argument("--ingest-workers", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="telcobill-usage-bench-"))
    setup_django(str(folder))
    populate(args.lines)
    started = time.perf_counter()
    (folder / "csv").mkdir()
    paths = write_csv_files(folder / "csv", args.records, args.lines, args.per_file)
    size = sum(p.stat().st_size for p in paths) / 2**20
    print(f"{args.records:,} records in {len(paths)} CSV files ({size:,.0f} MiB) written in "
          f"{time.perf_counter() - started:.0f} s (not measured)", flush=True)

    base_s, base_rows = baseline_read(paths)
    ingest_s, accepted, rejected = ingest(paths, args.ingest_workers)
    print(f"[ingest] {accepted:,} accepted, {rejected:,} rejected with {args.ingest_workers} worker process(es) in "
          f"{ingest_s:.1f} s = {args.records / ingest_s:,.0f} records/s; baseline (csv.reader only, one process) "
          f"{base_rows / base_s:,.0f} rows/s; ingestion / baseline time = {ingest_s / base_s:.1f}x; "
          f"peak RSS of this process {rss_mib():,.0f} MiB", flush=True)

    rate_s, rated, _ = rate_store(args.lines)
    floor_s, _ = kernel_floor(args.lines)
    print(f"[rating] {rated:,} records rated and summed in {rate_s:.1f} s = {rated / rate_s:,.0f} records/s; kernel "
          f"floor {floor_s:.1f} s = {rated / floor_s:,.0f} records/s; rating / floor = {rate_s / floor_s:.2f}x; "
          f"peak RSS {rss_mib():,.0f} MiB", flush=True)
    if args.spark_records:
        spark_parity(args.spark_records, max(args.spark_records // 100, 10))
    if args.huge:
        huge(args.huge, args.lines, folder)


if __name__ == "__main__":
    main()
