"""Ingestion by the spec's rules: counted once per (source, record_id), bad records rejected alone,
unreadable files refused whole, rejects re-processable, crash-safe commit protocol."""

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from telcobill.errors import Invalid
from telcobill.usage import store
from telcobill.usage.models import BatchStatus, IngestBatch, RecordKey, RejectedRecord, UsageFile
from telcobill.usage.services import ingest as ingest_module
from telcobill.usage.services.ingest import ingest_file
from telcobill.usage.services.rejects import reprocess_rejects
from telcobill.usage.services.retention import purge
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.usage.conftest import write_csv

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
SPEC_EXAMPLE = (
    "record_id,msisdn,type,direction,started_at,peer,duration_s,volume_bytes,country",
    "a-0001,33612345678,voice,out,2026-10-03T14:05:09+02:00,33145678901,187,,FR",
    "a-0002,33612345678,sms,out,2026-10-03T14:09:00+02:00,33698765432,,,FR",
    "a-0003,33612345678,data,out,2026-10-03T15:00:00+02:00,,,52428800,IT",
    "a-0004,33612345678,voice,out,2026-10-04T09:12:44+02:00,442079460000,65,,FR",
)


def test_the_spec_example_is_stored_exactly_and_counted_once(camille, source, usage_store, tmp_path):
    path = write_csv(tmp_path / "cdr.csv", *SPEC_EXAMPLE)

    first = ingest_file(source, path, now=NOW)
    again = ingest_file(source, path, now=NOW)

    assert (first.accepted, first.duplicates, first.rejected) == (4, 0, 0)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 4, 0)
    assert RecordKey.objects.count() == 4
    rows = store.read_month(date(2026, 10, 1)).sort_by("record_id").to_pylist()
    assert [(r["record_id"], r["line_id"], r["type"], r["peer"], r["quantity"], r["country"]) for r in rows] == [
        ("a-0001", camille.pk, "voice", "33145678901", 187, "FR"),
        ("a-0002", camille.pk, "sms", "33698765432", 1, "FR"),
        ("a-0003", camille.pk, "data", "", 52428800, "IT"),
        ("a-0004", camille.pk, "voice", "442079460000", 65, "FR"),
    ]
    assert rows[0]["started_at"] == datetime(2026, 10, 3, 12, 5, 9, tzinfo=UTC)
    assert rows[0]["day"] == date(2026, 10, 3)
    batches = IngestBatch.objects.order_by("pk")
    assert [(b.status, b.accepted, b.duplicates) for b in batches] == [("committed", 4, 0), ("committed", 0, 4)]


def test_a_bad_record_is_rejected_alone_with_its_line_and_reason(camille, source, usage_store, tmp_path):
    path = write_csv(
        tmp_path / "mixed.csv", "record_id,msisdn,type,started_at,peer,duration_s",
        "m-1,33612345678,voice,2026-10-05T10:00:00+02:00,33145678901,60",
        "m-2,33612345678,voice,2026-10-05T10:05:00+02:00,33145678901,-5",
        "m-3,33699999999,voice,2026-10-05T10:06:00+02:00,33145678901,30",
        "m-4,33612345678,voice,2026-10-05T10:07:00,33145678901,30",
        "m-5,33612345678,voice,2026-10-05T10:08:00+02:00,33145678901,42",
    )

    result = ingest_file(source, path, now=NOW)

    assert (result.accepted, result.duplicates, result.rejected) == (2, 0, 3)
    rejects = {r.line_number: r for r in RejectedRecord.objects.all()}
    assert sorted(rejects) == [3, 4, 5]
    assert rejects[3].reason.startswith("line 3: duration_s is -5")
    assert rejects[3].raw == "m-2,33612345678,voice,2026-10-05T10:05:00+02:00,33145678901,-5"
    assert rejects[4].reason == ("line 4: msisdn +33699999999 has no line on 2026-10-05 "
                                 "(re-process the record once the line is activated)")
    assert rejects[5].reason.startswith("line 5: started_at")
    assert sorted(store.read_month(date(2026, 10, 1)).column("record_id").to_pylist()) == ["m-1", "m-5"]


def test_an_unreadable_file_is_refused_whole_and_nothing_is_ingested(camille, source, usage_store, tmp_path):
    path = write_csv(tmp_path / "nocol.csv", "record_id,msisdn,started_at",
                     "x-1,33612345678,2026-10-05T10:00:00+02:00")

    with pytest.raises(Invalid) as refused:
        ingest_file(source, path, now=NOW)

    assert "type" in refused.value.message and "nocol.csv" in refused.value.message
    assert RecordKey.objects.count() == 0
    assert UsageFile.objects.count() == 0
    batch = IngestBatch.objects.get()
    assert (batch.status, batch.origin) == (BatchStatus.REFUSED, "nocol.csv")
    assert batch.message == refused.value.message


def test_a_record_of_a_line_activated_late_is_reprocessed(demo_catalogue, source, usage_store, tmp_path):
    path = write_csv(tmp_path / "early.csv", "record_id,msisdn,type,started_at,peer,duration_s",
                     "e-1,33611111111,voice,2026-10-05T10:00:00+02:00,33145678901,60",
                     "e-2,33611111111,voice,2026-10-06T10:00:00+02:00,33145678901,61")
    ingest_file(source, path, now=NOW)
    assert RejectedRecord.objects.filter(status="open").count() == 2

    activate_line(account=make_individual("Léa Petit"), msisdn="+33611111111", plan_code="forfait_2h",
                  on=date(2026, 10, 6))
    result = reprocess_rejects(now=NOW)

    assert (result.accepted, result.rejected) == (1, 1)
    statuses = dict(RejectedRecord.objects.values_list("line_number", "status"))
    assert statuses == {2: "open", 3: "reprocessed"}
    assert RejectedRecord.objects.get(line_number=2).reason.startswith(
        "line 2: msisdn +33611111111 has no line in service on 2026-10-05")
    assert store.read_month(date(2026, 10, 1)).column("record_id").to_pylist() == ["e-2"]
    assert RejectedRecord.objects.count() == 2  # re-processing adds no reject rows


def test_a_crash_between_writing_the_file_and_committing_counts_nothing(camille, source, usage_store, tmp_path,
                                                                       monkeypatch):
    path = write_csv(tmp_path / "cdr.csv", *SPEC_EXAMPLE)

    def crash(keys):
        raise KeyboardInterrupt("killed after the Parquet file was written")

    monkeypatch.setattr(ingest_module, "_insert_keys", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest_file(source, path, now=NOW)
    orphans = list(Path(usage_store).rglob("*.parquet"))
    assert len(orphans) == 1  # written, never made live
    assert store.read_month(date(2026, 10, 1)).num_rows == 0
    assert RecordKey.objects.count() == 0

    monkeypatch.undo()
    result = ingest_file(source, path, now=NOW)
    assert (result.accepted, result.duplicates) == (4, 0)
    assert store.read_month(date(2026, 10, 1)).num_rows == 4
    from datetime import timedelta

    assert store.sweep(older_than=timedelta(0)) == [str(orphans[0].relative_to(usage_store))]
    assert store.read_month(date(2026, 10, 1)).num_rows == 4


def test_records_past_the_retention_are_refused_then_purged(camille, source, usage_store, tmp_path):
    path = write_csv(tmp_path / "old.csv", "record_id,msisdn,type,started_at,peer,duration_s",
                     "o-1,33612345678,voice,2026-10-05T10:00:00+02:00,33145678901,60")
    ingest_file(source, path, now=NOW)
    # A year and two months later, October 2026 is past the 12-month retention.
    later = datetime(2027, 12, 3, tzinfo=UTC)
    stale = write_csv(tmp_path / "stale.csv", "record_id,msisdn,type,started_at,peer,duration_s",
                      "o-2,33612345678,voice,2026-11-05T10:00:00+01:00,33145678901,60")
    result = ingest_file(source, stale, now=later)
    assert result.rejected == 1
    assert "older than the 12-month retention (kept from 2026-12-01)" in RejectedRecord.objects.get().reason

    report = purge(now=later)

    assert (report.before, report.months, report.files, report.keys) == (date(2026, 12, 1), [date(2026, 10, 1)], 1, 1)
    assert report.rejects == 1  # its raw text too
    assert store.read_month(date(2026, 10, 1)).num_rows == 0
    assert not list(Path(usage_store).rglob("*.parquet"))


def test_a_content_purchase_keeps_its_exact_amount(camille, source, usage_store, tmp_path):
    path = write_csv(tmp_path / "opt.csv",
                     "record_id,msisdn,type,started_at,peer,peer_kind,duration_s,amount,country,network",
                     "b-0001,33612345678,voice,2026-10-05T10:00:00+02:00,3179,short,42,,FR,20801",
                     "b-0002,33612345678,content,2026-10-05T10:03:00+02:00,81212,short,,3.00,FR,20801",
                     "b-0003,33612345678,voice,2026-10-06T21:30:00+02:00,33145678901,,300,,GR,90112")
    result = ingest_file(source, path, now=NOW)
    assert (result.accepted, result.rejected) == (3, 0)
    rows = {r["record_id"]: r for r in store.read_month(date(2026, 10, 1)).to_pylist()}
    assert rows["b-0002"]["amount"] == Decimal("3.000000")
    assert (rows["b-0003"]["country"], rows["b-0003"]["network"]) == ("GR", "90112")
    assert rows["b-0001"]["peer_kind"] == "short"


@pytest.mark.django_db(transaction=True)
def test_overlapping_files_ingested_at_the_same_time_count_each_record_once(usage_store, tmp_path):
    import threading

    from django.db import connections

    from telcobill.catalogue.loader import load_catalogue
    from telcobill.usage.models import UsageSource
    from tests.usage.conftest import DEMO_CATALOGUE

    load_catalogue(DEMO_CATALOGUE)
    activate_line(account=make_individual("Nina Roux"), msisdn="+33612345678", plan_code="forfait_2h",
                  on=date(2026, 9, 1))
    source = UsageSource.objects.create(name="switch")
    header = "record_id,msisdn,type,started_at,peer,duration_s"
    rows = [f"k-{i:04d},33612345678,voice,2026-10-{i % 28 + 1:02d}T10:00:00+02:00,33145678901,{i}"
            for i in range(600)]
    # Three files: 0-399, 200-599, 100-499 — every record is in at least two of them.
    paths = [write_csv(tmp_path / f"f{n}.csv", header, *part)
             for n, part in enumerate((rows[:400], rows[200:], rows[100:500]))]
    results, errors = [], []

    def run(path):
        try:
            results.append(ingest_file(source, path, now=NOW))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(r.accepted for r in results) == 600
    assert sum(r.duplicates for r in results) == 600  # 1,200 rows in the files
    assert RecordKey.objects.count() == 600
    ids = store.read_month(date(2026, 10, 1)).column("record_id").to_pylist()
    assert len(ids) == 600 and len(set(ids)) == 600
