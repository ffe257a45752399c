"""The Ibis engine (on DuckDB) and the slow, obvious reference rater agree on random usage,
catalogues and subscriptions: same rated records, same amounts to the micro-euro."""

import os
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings

from telcobill.usage.rating import engine
from telcobill.usage.rating.reference import rate
from telcobill.usage.store import SCHEMA
from tests.usage.rating_strategies import rating_problems

FIELDS = ("line_id", "bucket", "zone", "special", "rounded", "included", "chargeable", "vat_rule", "section",
          "charge")


@pytest.fixture(scope="module")
def duckdb():
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("database-independent: runs in the SQLite pass of .ci/run")
    return engine.connect("duckdb")


def as_table(records) -> pa.Table:
    columns = {name: [] for name in SCHEMA.names}
    for r in records:
        row = {"source": r.source, "record_id": r.record_id, "line_id": r.line_id, "msisdn": "+33600000000",
               "type": r.type, "direction": r.direction, "started_at": r.started_at, "day": r.day(),
               "peer": r.peer, "peer_kind": r.peer_kind, "quantity": r.quantity, "amount": r.amount,
               "country": r.country, "network": r.network, "batch_id": 1}
        for name in SCHEMA.names:
            columns[name].append(row[name])
    return pa.table(columns, schema=SCHEMA)


@pytest.mark.slow
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(problem=rating_problems())
def test_the_engine_rates_like_the_reference(duckdb, problem):
    records, tariff, plans, groups, month = problem
    expected = rate(records, tariff, plans, groups)
    got = engine.rate_table(as_table(records), tariff, plans, groups, month, con=duckdb).to_pylist() if records else []

    assert [(g["source"], g["record_id"]) for g in got] == [(e.source, e.record_id) for e in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert {f: mine[f] for f in FIELDS} == {f: getattr(theirs, f) for f in FIELDS}, theirs.record_id
        assert Decimal(mine["amount_micros"]).scaleb(-6) == theirs.amount, theirs.record_id


def test_a_huge_volume_at_a_high_price_is_exact(duckdb):
    # 40 GB on a ship at 9.99 EUR/MB incl. VAT: 40,960 MB x 9.99 / 1.2 = 340,992.00 EUR excl. VAT —
    # the intermediate products exceed 64 bits.
    from datetime import UTC, date, datetime

    from telcobill.usage.rating import sample
    from telcobill.usage.rating.inputs import Record

    record = Record(source="s", record_id="sea", line_id=3, type="data", quantity=40 * 1_073_741_824,
                    started_at=datetime(2026, 11, 5, 12, tzinfo=UTC), country="GR", network="90112")
    plans, groups = sample.lines_and_groups(3)
    expected = rate([record], sample.tariff(), plans, groups)
    got = engine.rate_table(as_table([record]), sample.tariff(), plans, groups, date(2026, 11, 1), con=duckdb)
    assert expected[0].amount == Decimal("340992.000000")
    assert got.column("amount_micros").to_pylist() == [340_992_000_000]
