"""Choosing communications of the itemized annex: by kind (calls, messages, data, abroad), by
days, by a number as shown — a masked number is never revealed by a search."""

from datetime import UTC, date, datetime

from telcobill.usage.services.itemized import itemized, select
from tests.usage.conso_story import MB, ingest

NOW = datetime(2026, 10, 31, tzinfo=UTC)


def test_kinds_days_and_numbers(camille, source, usage_store, tmp_path, django_capture_on_commit_callbacks):
    ingest(source, tmp_path, "oct", [
        "i-1,33612345678,voice,out,2026-10-03T14:05:09+02:00,33145678901,187,,FR",
        "i-2,33612345678,sms,out,2026-10-04T09:12:44+02:00,33698765432,,,FR",
        f"i-3,33612345678,data,out,2026-10-05T10:00:00+02:00,,,{50 * MB},IT",
        "i-4,33612345678,voice,out,2026-10-06T18:00:00+02:00,33698765432,30,,FR",
    ], NOW, django_capture_on_commit_callbacks)
    rows = itemized(camille, date(2026, 10, 1))

    def ids(**filters):
        return [f"{r.at:%d} {r.kind}" for r in select(rows, **filters)]

    assert ids() == ["03 Appel émis", "04 SMS émis", "05 Internet émis", "06 Appel émis"]
    assert ids(kind="calls") == ["03 Appel émis", "06 Appel émis"]
    assert ids(kind="messages") == ["04 SMS émis"]
    assert ids(kind="data") == ["05 Internet émis"]
    assert ids(kind="roaming") == ["05 Internet émis"]  # in Italy
    assert ids(start=date(2026, 10, 4), end=date(2026, 10, 5)) == ["04 SMS émis", "05 Internet émis"]
    # Shown as 3369876XXXX: the visible part is found however it is typed...
    assert ids(number="06 98 76") == ids(number="+33698") == ["04 SMS émis", "06 Appel émis"]
    # ... a full number matches what the mask allows, and tells nothing the mask hides.
    assert ids(number="0698765432") == ids(number="0698760000") == ["04 SMS émis", "06 Appel émis"]
    assert ids(number="0145") == ["03 Appel émis"]
    assert ids(number="0699") == []
    assert ids(number="5432") == []  # the hidden digits alone match nothing
