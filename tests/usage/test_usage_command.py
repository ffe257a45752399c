"""`telcobill usage ingest`: files in worker processes, counts at the end, a refused file named
and the command exiting with 2 while the others are ingested."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from telcobill.catalogue.loader import load_catalogue
from telcobill.usage import store
from telcobill.usage.models import RecordKey, UsageSource
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.usage.conftest import DEMO_CATALOGUE, write_csv

HEADER = "record_id,msisdn,type,started_at,peer,duration_s"


def files(tmp_path, count, per_file, overlap=0):
    rows = [f"w-{i:05d},33612345678,voice,2026-10-{i % 28 + 1:02d}T10:00:00+02:00,33145678901,{i % 600}"
            for i in range(count * per_file)]
    return [write_csv(tmp_path / f"cdr-{n}.csv", HEADER, *rows[max(0, n * per_file - overlap):(n + 1) * per_file])
            for n in range(count)]


def test_a_refused_file_is_named_and_the_others_are_ingested(camille, source, usage_store, tmp_path):
    good = files(tmp_path, 1, 5)[0]
    broken = write_csv(tmp_path / "broken.csv", "record_id,msisdn", "x,33612345678")
    out = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("usage", "ingest", good, broken, "--source", "switch", "--workers", "1", stdout=out)

    assert failed.value.returncode == 2
    text = out.getvalue()
    assert "ingested from 1 file: 5 accepted, 0 duplicates, 0 rejected" in text
    assert "refused" in text and "broken.csv" in text and "type" in text
    assert RecordKey.objects.count() == 5


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_files_ingested_by_two_worker_processes_count_each_record_once(usage_store, tmp_path):
    load_catalogue(DEMO_CATALOGUE)
    activate_line(account=make_individual("Nina Roux"), msisdn="+33612345678", plan_code="forfait_2h",
                  on=date(2026, 9, 1))
    UsageSource.objects.create(name="switch")
    paths = files(tmp_path, 4, 300, overlap=100)  # each file repeats the last 100 records of the one before
    out = StringIO()

    call_command("usage", "ingest", *paths, "--source", "switch", "--workers", "2", stdout=out)

    assert "ingested from 4 files: 1,200 accepted, 300 duplicates, 0 rejected" in out.getvalue()
    ids = store.read_month(date(2026, 10, 1)).column("record_id").to_pylist()
    assert len(ids) == len(set(ids)) == 1200
