"""The 10-year archive: every issued document and lifecycle event chained by SHA-256 per series;
tampering with an archived file or entry, or removing one, is detected by the verification."""

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import zipfile
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from telcobill.billing.models import Invoice
from telcobill.documents.models import ArchiveEntry, Delivery, DocumentFile, LifecycleEvent, Platform
from telcobill.documents.services.archive import GENESIS, Finding, archive_pending, entry_hash, export_year, verify
from telcobill.documents.services.render import render_documents
from telcobill.errors import NotAllowed
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual

NUMBERS = ["F2026-000001", "F2026-000002", "F2026-000003"]


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.ARCHIVE_DIR = tmp_path / "archive"
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    return tmp_path


@pytest.fixture
def issued(catalogue, bill, settings):
    """Three invoices issued on 1 November 2026 and rendered, not archived yet: F2026-000001 to -000003
    (the tasks after the issue, which archive, are left queued so the tests archive when they want)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    activate_line(account=make_individual("Léa Dubois"), msisdn="0612345678", plan_code="PLAN-L",
                  on=date(2026, 10, 12))
    activate_line(account=make_individual("Hugo Petit"), msisdn="0612345679", plan_code="PLAN-S",
                  on=date(2026, 10, 1))
    activate_line(account=make_business("Menuiserie Atlantique SAS"), msisdn="0698765432", plan_code="PRO",
                  on=date(2026, 10, 1))
    bill("2026-11")
    render_documents(list(Invoice.objects.values_list("pk", flat=True)))
    assert sorted(Invoice.objects.values_list("number", flat=True)) == NUMBERS
    return {invoice.number: invoice for invoice in Invoice.objects.all()}


def archived(folders, name):
    return folders / "archive" / "2026" / "F2026" / name


def findings(problems):
    return [(p.finding, p.series, p.position, p.reference) for p in problems]


def writable(path):
    os.chmod(path, 0o644)
    return path


def event_of(invoice, message_id="MSG-0001"):
    platform = Platform.objects.create(code="pa-test", name="PA de test")
    delivery = Delivery.objects.create(invoice=invoice, platform=platform)
    return LifecycleEvent.objects.create(delivery=delivery, status="200", at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
                                         message_id=message_id, reason="Déposée ; « reçue »")


def test_archived_documents_are_chained_and_verify_intact(issued, folders):
    assert archive_pending() == 3

    entries = list(ArchiveEntry.objects.order_by("position"))
    assert [(e.series, e.position, e.kind, e.reference) for e in entries] == [
        ("F2026", 1, "document", "F2026-000001"), ("F2026", 2, "document", "F2026-000002"),
        ("F2026", 3, "document", "F2026-000003")]
    assert [e.previous_hash for e in entries] == [GENESIS, entries[0].hash, entries[1].hash]
    for entry in entries:
        file = DocumentFile.objects.get(invoice=issued[entry.reference])
        pdf = archived(folders, f"{entry.reference}.pdf")
        xml = archived(folders, f"{entry.reference}.xml")
        assert entry.invoice_id == issued[entry.reference].pk
        assert entry.files == {
            "pdf": {"path": f"2026/F2026/{entry.reference}.pdf", "sha256": file.pdf_sha256,
                    "size": pdf.stat().st_size},
            "xml": {"path": f"2026/F2026/{entry.reference}.xml", "sha256": hashlib.sha256(file.xml).hexdigest(),
                    "size": len(file.xml)}}
        assert xml.read_bytes() == bytes(file.xml)
        assert (pdf.stat().st_mode & 0o777, xml.stat().st_mode & 0o777) == (0o444, 0o444)
        canonical = json.dumps({"series": "F2026", "position": entry.position, "kind": "document",
                                "reference": entry.reference, "files": entry.files,
                                "previous_hash": entry.previous_hash},
                               sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert entry.hash == hashlib.sha256(canonical.encode()).hexdigest()

    report = verify(2026)
    assert report.ok
    assert (report.entries, report.files, report.series, report.heads) == (3, 6, {"F2026": 3},
                                                                          {"F2026": entries[2].hash})
    assert (report.problems, report.warnings) == ([], [])


def test_archiving_twice_adds_nothing(issued):
    assert archive_pending() == 3
    hashes = list(ArchiveEntry.objects.values_list("hash", flat=True))
    assert archive_pending() == 0
    assert list(ArchiveEntry.objects.values_list("hash", flat=True)) == hashes


def test_rendered_documents_not_archived_yet_are_a_warning_not_tampering(issued):
    report = verify(2026)
    assert report.ok
    assert findings(report.warnings) == [(Finding.NOT_ARCHIVED_YET, "F2026", None, n) for n in NUMBERS]


def test_a_series_waits_at_its_first_document_not_rendered_yet(issued):
    DocumentFile.objects.filter(invoice=issued["F2026-000002"]).update(rendered_at=None)
    assert archive_pending() == 1
    assert list(ArchiveEntry.objects.values_list("reference", flat=True)) == ["F2026-000001"]
    report = verify(2026)
    assert report.ok
    assert findings(report.warnings) == [(Finding.NOT_ARCHIVED_YET, "F2026", None, "F2026-000003")]


def test_a_byte_changed_in_an_archived_pdf_is_detected_with_its_number(issued, folders):
    archive_pending()
    path = writable(archived(folders, "F2026-000002.pdf"))
    data = bytearray(path.read_bytes())
    data[200] ^= 0x01
    path.write_bytes(bytes(data))

    report = verify(2026)
    assert not report.ok
    assert findings(report.problems) == [(Finding.ALTERED_FILE, "F2026", 2, "F2026-000002")]
    assert report.problems[0].detail.startswith(
        f"2026/F2026/F2026-000002.pdf: sha256 {hashlib.sha256(data).hexdigest()} ({len(data)} bytes), archived as ")
    assert verify(2026, files=False).ok  # the chain alone cannot see a file


def test_an_archived_xml_replaced_is_detected(issued, folders):
    archive_pending()
    other = archived(folders, "F2026-000001.xml").read_bytes()
    writable(archived(folders, "F2026-000003.xml")).write_bytes(other)
    assert findings(verify(2026).problems) == [(Finding.ALTERED_FILE, "F2026", 3, "F2026-000003")]


def test_an_archived_file_deleted_is_detected(issued, folders):
    archive_pending()
    archived(folders, "F2026-000001.pdf").unlink()
    report = verify(2026)
    assert findings(report.problems) == [(Finding.MISSING_FILE, "F2026", 1, "F2026-000001")]
    assert report.problems[0].detail == "2026/F2026/F2026-000001.pdf is missing"


def test_an_entry_hash_edited_in_the_database_is_detected(issued):
    archive_pending()
    ArchiveEntry.objects.filter(position=2).update(hash="f" * 64)
    assert findings(verify(2026).problems) == [(Finding.ALTERED_ENTRY, "F2026", 2, "F2026-000002")]


def test_an_entry_rewritten_with_its_own_hash_breaks_the_chain_after_it(issued):
    archive_pending()
    entry = ArchiveEntry.objects.get(position=2)
    entry.files["pdf"]["sha256"] = "0" * 64
    entry.hash = entry_hash("F2026", 2, "document", entry.reference, entry.files, entry.previous_hash)
    entry.save()
    assert findings(verify(2026, files=False).problems) == [(Finding.BROKEN_CHAIN, "F2026", 3, "F2026-000003")]


def test_an_entry_deleted_leaves_a_gap_and_a_removed_document(issued):
    archive_pending()
    ArchiveEntry.objects.filter(position=2).delete()
    assert findings(verify(2026).problems) == [(Finding.MISSING_POSITION, "F2026", 2, ""),
                                               (Finding.REMOVED_DOCUMENT, "F2026", None, "F2026-000002")]


def test_an_entry_removed_and_the_chain_rebuilt_is_still_seen_against_the_issued_documents(issued):
    archive_pending()
    first = ArchiveEntry.objects.get(position=1)
    ArchiveEntry.objects.filter(position=2).delete()
    last = ArchiveEntry.objects.get(position=3)
    last.position, last.previous_hash = 2, first.hash
    last.hash = entry_hash("F2026", 2, "document", last.reference, last.files, first.hash)
    last.save()
    assert findings(verify(2026).problems) == [(Finding.REMOVED_DOCUMENT, "F2026", None, "F2026-000002")]


def test_a_lifecycle_event_is_archived_and_its_altered_content_detected(issued):
    event_of(issued["F2026-000002"])
    assert archive_pending() == 4
    entry = ArchiveEntry.objects.get(kind="event")
    assert (entry.series, entry.position, entry.reference, entry.previous_hash) == (
        "events-2026", 1, "MSG-0001", GENESIS)
    assert entry.invoice_id == issued["F2026-000002"].pk
    assert entry.files == {"status": "200", "at": "2026-11-02T09:30:00+00:00", "reason_code": "",
                           "reason": "Déposée ; « reçue »", "by_operator": False, "invoice": "F2026-000002"}
    assert verify(2026).series == {"F2026": 3, "events-2026": 1}

    ArchiveEntry.objects.filter(pk=entry.pk).update(files={**entry.files, "status": "210"})
    assert findings(verify(2026).problems) == [(Finding.ALTERED_ENTRY, "events-2026", 1, "MSG-0001")]


def test_the_export_holds_the_files_a_manifest_and_a_readme_to_recheck_it(issued, folders):
    event_of(issued["F2026-000001"])
    archive_pending()
    path = export_year(2026, folders / "out")
    assert path == folders / "out" / "telcobill-archive-2026.zip"

    bundle = zipfile.ZipFile(path)
    assert sorted(bundle.namelist()) == sorted(
        ["README.txt", "manifest.csv", "events.csv"] + [f"2026/F2026/{n}.{x}" for n in NUMBERS for x in ("pdf", "xml")])
    manifest = list(csv.DictReader(io.TextIOWrapper(bundle.open("manifest.csv"), encoding="utf-8", newline=""),
                                   delimiter=";"))
    assert [(r["series"], r["position"], r["kind"], r["reference"], r["file"]) for r in manifest] == [
        ("F2026", "1", "document", "F2026-000001", "2026/F2026/F2026-000001.pdf"),
        ("F2026", "1", "document", "F2026-000001", "2026/F2026/F2026-000001.xml"),
        ("F2026", "2", "document", "F2026-000002", "2026/F2026/F2026-000002.pdf"),
        ("F2026", "2", "document", "F2026-000002", "2026/F2026/F2026-000002.xml"),
        ("F2026", "3", "document", "F2026-000003", "2026/F2026/F2026-000003.pdf"),
        ("F2026", "3", "document", "F2026-000003", "2026/F2026/F2026-000003.xml"),
        ("events-2026", "1", "event", "MSG-0001", "")]
    for row in manifest[:6]:
        data = bundle.read(row["file"])
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (row["sha256"], int(row["size"]))
    events = list(csv.DictReader(io.TextIOWrapper(bundle.open("events.csv"), encoding="utf-8", newline=""),
                                 delimiter=";"))
    assert events == [{"series": "events-2026", "position": "1", "reference": "MSG-0001", "invoice": "F2026-000001",
                       "status": "200", "at": "2026-11-02T09:30:00+00:00", "reason_code": "",
                       "reason": "Déposée ; « reçue »", "by_operator": "false", "hash": manifest[6]["hash"]}]

    # The chain recomputed from the manifest only, as the README says.
    previous = GENESIS
    for position in (1, 2, 3):
        rows = [r for r in manifest if r["series"] == "F2026" and r["position"] == str(position)]
        files = {r["file"].rsplit(".", 1)[1]: {"path": r["file"], "sha256": r["sha256"], "size": int(r["size"])}
                 for r in rows}
        entry = {"series": "F2026", "position": position, "kind": "document", "reference": rows[0]["reference"],
                 "files": files, "previous_hash": previous}
        digest = hashlib.sha256(json.dumps(entry, sort_keys=True, separators=(",", ":"),
                                           ensure_ascii=False).encode("utf-8")).hexdigest()
        assert rows[0]["previous_hash"] == previous
        assert digest == rows[0]["hash"] == ArchiveEntry.objects.get(series="F2026", position=position).hash
        previous = digest


def test_the_readme_script_checks_the_export_without_telcobill(issued, folders):
    event_of(issued["F2026-000003"])
    archive_pending()
    unzipped = folders / "auditor"
    zipfile.ZipFile(export_year(2026, folders / "out")).extractall(unzipped)
    readme = (unzipped / "README.txt").read_text(encoding="utf-8")
    assert "json.dumps(objet, sort_keys=True" in readme and "ENGLISH" in readme
    script = readme[readme.index("# --- verify_chain.py ---"):readme.index("# --- end ---")]
    (unzipped / "verify_chain.py").write_text(script, encoding="utf-8")
    heads = dict(ArchiveEntry.objects.filter(position__in=[1, 3]).values_list("series", "hash"))

    checked = subprocess.run([sys.executable, "-I", "verify_chain.py"], cwd=unzipped, capture_output=True, text=True)
    assert (checked.returncode, checked.stdout.splitlines(), checked.stderr) == (0, [
        f"F2026: 3 entries, last hash {heads['F2026']}", f"events-2026: 1 entries, last hash {heads['events-2026']}",
        "OK"], "")

    writable(unzipped / "2026" / "F2026" / "F2026-000002.xml").write_bytes(b"<rien/>")
    checked = subprocess.run([sys.executable, "-I", "verify_chain.py"], cwd=unzipped, capture_output=True, text=True)
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[0] == "F2026 #2 F2026-000002: altered file 2026/F2026/F2026-000002.xml"


def test_the_export_is_refused_when_the_year_does_not_verify(issued, folders):
    archive_pending()
    archived(folders, "F2026-000003.pdf").unlink()
    with pytest.raises(NotAllowed, match="fails verification .1 problem.s., first: missing file: F2026 #3") as raised:
        export_year(2026, folders / "out")
    assert raised.value.code == "archive_not_intact"
    assert not (folders / "out").exists()


def test_the_cli_exits_0_when_intact_and_1_naming_what_was_altered(issued, folders):
    out = StringIO()
    call_command("archive", "run", stdout=out)
    assert out.getvalue() == "archived 3 entry(ies)\n"
    out = StringIO()
    call_command("archive", "verify", "--year", "2026", stdout=out, stderr=StringIO())
    head = ArchiveEntry.objects.get(position=3).hash
    assert out.getvalue().splitlines() == [
        "year 2026: 3 entries in 1 series checked, 6 files re-hashed", f"  F2026: 3 entries, last hash {head}",
        "archive intact"]

    writable(archived(folders, "F2026-000002.pdf")).write_bytes(b"%PDF-1.7 autre chose")
    out = StringIO()
    with pytest.raises(CommandError, match="the archive was altered: 1 problem") as raised:
        call_command("archive", "verify", stdout=out, stderr=StringIO())
    assert raised.value.returncode == 1
    assert out.getvalue().splitlines()[-1].startswith(
        "PROBLEM — altered file: F2026 #2 F2026-000002 — 2026/F2026/F2026-000002.pdf: sha256 ")
    call_command("archive", "verify", "--no-files", stdout=StringIO(), stderr=StringIO())  # the chain is intact

    with pytest.raises(CommandError, match="fails verification") as raised:
        call_command("archive", "export", "--year", "2026", "--output", str(folders / "out"))
    assert raised.value.returncode == 2


def test_the_cli_exports_a_year(issued, folders):
    archive_pending()
    out = StringIO()
    call_command("archive", "export", "--year", "2026", "--output", str(folders / "out"), stdout=out)
    assert out.getvalue() == f"wrote {folders / 'out' / 'telcobill-archive-2026.zip'}\n"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_archiving_at_once_chain_each_document_once(issued):
    start = threading.Barrier(2)
    counts = []

    def worker():
        try:
            start.wait()
            counts.append(archive_pending())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 3]
    assert list(ArchiveEntry.objects.order_by("position").values_list("position", "reference")) == [
        (1, "F2026-000001"), (2, "F2026-000002"), (3, "F2026-000003")]
    assert verify(2026).ok


def test_the_bill_run_archives_its_documents_once_issued(catalogue, bill):
    activate_line(account=make_individual("Léa Dubois"), msisdn="0612345678", plan_code="PLAN-L",
                  on=date(2026, 10, 12))
    bill("2026-11")  # the tasks run: each batch's render, then the run's archive
    assert list(ArchiveEntry.objects.values_list("series", "position", "reference")) == [
        ("F2026", 1, "F2026-000001")]
    assert verify().ok
