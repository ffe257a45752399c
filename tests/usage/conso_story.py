"""Camille's usage from September to 20 November 2026 (forfait 2h: 2 h of calls, unlimited SMS,
100 MB), September and October billed, November in progress: the story the consumption pages and
their use cases are tested on.

- September: a 10-minute call, a text, 50 MB.
- October: 7,500 s of calls to French numbers (300 s beyond the 2 h: 0.21 excl. VAT), 65 s to
  London (never included: 0.17 excl. VAT), a text.
- November, to the 20th at 14:05: a 754 s call, two texts, 80 MB in France (80 %), 12 MB in the
  USA (0.20 EUR/MB incl. VAT: 2.00 excl. VAT, out of plan and counted against the roaming cap).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from telcobill.usage.services.ingest import ingest_file

HEADER = "record_id,msisdn,type,direction,started_at,peer,duration_s,volume_bytes,country"
MB = 1_048_576
NOW = datetime(2026, 11, 20, 13, 5, tzinfo=UTC)  # 14:05 in Paris

SEPTEMBER = [
    "s-1,33612345678,voice,out,2026-09-10T10:00:00+02:00,33145678901,600,,FR",
    "s-2,33612345678,sms,out,2026-09-11T10:00:00+02:00,33698765432,,,FR",
    f"s-3,33612345678,data,out,2026-09-12T10:00:00+02:00,,,{50 * MB},FR",
]
OCTOBER = [
    "c-1,33612345678,voice,out,2026-10-03T14:05:09+02:00,33145678901,7000,,FR",
    "c-2,33612345678,voice,out,2026-10-04T09:00:00+02:00,33145678901,500,,FR",
    "c-3,33612345678,voice,out,2026-10-04T09:12:44+02:00,442079460000,65,,FR",
    "c-4,33612345678,sms,out,2026-10-05T10:00:00+02:00,33698765432,,,FR",
]
NOVEMBER = [
    "n-1,33612345678,voice,out,2026-11-02T09:00:00+01:00,33145678901,754,,FR",
    "n-2,33612345678,sms,out,2026-11-03T12:00:00+01:00,33698765432,,,FR",
    "n-3,33612345678,sms,out,2026-11-03T12:30:00+01:00,33698765432,,,FR",
    f"n-4,33612345678,data,out,2026-11-05T10:00:00+01:00,,,{80 * MB},FR",
    f"n-5,33612345678,data,out,2026-11-15T10:00:00-05:00,,,{12 * MB},US",
]


def ingest(source, folder: Path, name: str, rows: list[str], now: datetime, capture) -> None:
    """A file of records, ingested; the counters refreshed after commit as in production."""
    path = folder / f"{name}.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    with capture(execute=True):
        ingest_file(source, str(path), now=now)


def camille_story(source, folder: Path, capture, bill, time_machine) -> None:
    """September and October ingested and billed, November ingested on the 20th at 14:05 (the
    clock stays there)."""
    ingest(source, folder, "september", SEPTEMBER, datetime(2026, 9, 30, tzinfo=UTC), capture)
    bill("2026-10")
    ingest(source, folder, "october", OCTOBER, datetime(2026, 10, 31, tzinfo=UTC), capture)
    bill("2026-11")
    time_machine.move_to(NOW, tick=False)
    ingest(source, folder, "november", NOVEMBER, NOW, capture)
