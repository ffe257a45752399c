"""A month with as many lines as records, read from Parquet as the store serves it: the group
choice once joined the records to every line's groups on the bucket alone (a join order chosen
by DuckDB from a three-table join) and filled the disk with spill files. One flat table now."""

import os

import pyarrow.parquet as pq
import pytest

from telcobill.usage.rating import engine, sample


@pytest.mark.slow
def test_one_record_per_line_from_parquet_rates_quickly_and_within_memory(tmp_path):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("database-independent: runs in the SQLite pass of .ci/run")
    records = sample.records(100_000, 100_000, seed=5)
    path = tmp_path / "month.parquet"
    pq.write_table(records, path)
    plans, groups = sample.lines_and_groups(100_000)
    con = engine.connect(memory_limit="1GB", temp_directory=str(tmp_path / "spill"))
    con.raw_sql("SET max_temp_directory_size = '300MB'")  # the blow-up fails fast instead of filling the disk

    rated = engine.rate_expr(con, con.read_parquet(str(path)), sample.tariff(), plans, groups, sample.MONTH)
    totals = rated.group_by("charge").aggregate(records=rated.count()).to_pyarrow()

    assert sum(totals.column("records").to_pylist()) == 100_000


def test_a_month_rated_in_parts_of_lines_gives_the_same_totals(tmp_path):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("database-independent: runs in the SQLite pass of .ci/run")
    records = sample.records(20_000, 300, seed=9)
    plans, groups = sample.lines_and_groups(300)
    con = engine.connect()
    source = engine.load_records(con, records)

    whole = engine.rate_totals(con, source, sample.tariff(), plans, groups, sample.MONTH)
    in_parts = engine.rate_totals(con, source, sample.tariff(), plans, groups, sample.MONTH, parts=4)

    def rows(table):
        return sorted(tuple(r.values()) for r in table.to_pylist())

    assert rows(in_parts) == rows(whole)
    parts = engine.line_parts(groups, range(1, 301), 4)
    pooled = [g.line_ids for g in groups if g.key.startswith("P")]
    assert pooled and all(len({parts[line] for line in lines}) == 1 for lines in pooled)
    assert len(set(parts.values())) == 4
