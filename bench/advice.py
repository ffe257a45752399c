"""Plan advice cost: every line's last 12 months re-rated with the offers that could be cheaper
(docs/advice.md), against the **baseline** of rating the same 12 months once with each line's
own plan (what the bill runs did), measured in the same run on the same store.

    python bench/advice.py [--accounts 5000] [--records-per-line 40] [--months 12]

The bill run's population (bench/billrun.py: 70 % individuals, 30 % businesses, 1 to 4 lines, the
demo catalogue's plans), active for the whole window; synthetic records (the rating sample's mix:
calls, SMS, data, a little roaming and content) written to the store for each month.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from billrun import populate, setup_django  # noqa: E402

FIRST = date(2025, 12, 1)


def months(count: int) -> list[date]:
    out, day = [], FIRST
    for _ in range(count):
        out.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def write_months(window: list[date], lines: int, per_line: int) -> int:
    """The sample's November records moved to each month of the window (within its first 28
    days), one store file per month, live, and the month marked rated."""
    from telcobill.usage import store
    from telcobill.usage.models import UsageFile, UsageRating
    from telcobill.usage.rating import sample

    november = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp()) - 3600
    total = 0
    for index, month in enumerate(window):
        table = sample.records(lines * per_line, lines, seed=40 + index)
        seconds = pc.divide(pc.cast(table["started_at"], pa.int64()), 1_000_000)
        offset = pc.subtract(seconds, november)
        start = int(datetime(month.year, month.month, 1, tzinfo=UTC).timestamp()) - 3600
        moved = pc.add(pc.subtract(offset, pc.multiply(pc.divide(offset, 28 * 86400), 28 * 86400)), start)
        stamps = pc.cast(pc.multiply(moved, 1_000_000), pa.timestamp("us", tz="UTC"))
        days = pc.cast(pc.cast(pc.divide(pc.add(moved, 3600), 86400), pa.int32()), pa.date32())
        table = table.set_column(table.schema.get_field_index("started_at"), "started_at", stamps)
        table = table.set_column(table.schema.get_field_index("day"), "day", days)
        path, size = store.write_table(table, month, "bench")
        UsageFile.objects.create(path=path, month=month, records=table.num_rows, size=size, live=True)
        UsageRating.objects.create(month=month, rated_at=datetime(2026, 12, 1, tzinfo=UTC), records=table.num_rows)
        total += table.num_rows
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--records-per-line", type=int, default=40)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="telcobill-bench-advice-")
    setup_django(f"sqlite:///{folder}/bench.sqlite3", folder)

    from telcobill.catalogue.models import Subscription
    from telcobill.customers.models import Line
    from telcobill.usage.services.advice import advise
    from telcobill.usage.services.rating import connect, totals_of

    lines = populate(args.accounts)
    Line.objects.update(activated_on=FIRST)
    Subscription.objects.update(starts_on=FIRST)
    window = months(args.months)
    records = write_months(window, lines, args.records_per_line)
    print(f"{args.accounts:,} accounts, {lines:,} lines, {records:,} records over {len(window)} months", flush=True)

    con = connect()
    started = time.perf_counter()
    for month in window:
        totals_of(con, month)
    baseline = time.perf_counter() - started
    print(f"baseline  rating the {len(window)} months once (the bill runs' rating): {baseline:7.1f} s "
          f"({records / baseline:,.0f} records/s)", flush=True)

    summary = advise(now=datetime(2026, 12, 2, tzinfo=UTC), con=con)
    print(f"advice    {summary.lines:,} lines advised:                         {summary.seconds:7.1f} s "
          f"({summary.lines / summary.seconds:,.0f} lines/s, {summary.rated_records / summary.seconds:,.0f} "
          f"records rated/s)")
    print(f"          offers rated {summary.choices_rated:,} ({summary.choices_rated / summary.lines:.1f} a line), "
          f"left out (could not be cheaper) {summary.choices_pruned:,}; records rated {summary.rated_records:,} "
          f"({summary.rated_records / records:.1f}x the records)")
    print(f"ratio     advice / baseline: {summary.seconds / baseline:.1f}x; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
