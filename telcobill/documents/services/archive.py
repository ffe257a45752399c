"""The 10-year archive (RULES.md: Code de commerce L123-22, LPF L102 B): write-once copies of every
issued document (PDF + XML) and every lifecycle event, each entry chained by SHA-256 to the previous
entry of its series, so that a file or an entry altered or removed is seen by `verify`.

An entry's hash is sha256 over the canonical JSON (sorted keys, no spaces, UTF-8, non-ASCII as is)
of {series, position, kind, reference, files, previous_hash}; position 1 follows 64 zeros. The
export's README.txt (docs/archive.md) says it to an auditor, with a script that needs no telcobill.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from enum import StrEnum
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length
from django.utils import timezone

from telcobill.billing.models import Invoice, InvoiceStatus
from telcobill.errors import NotAllowed, NotFound
from telcobill.formats import spreadsheet_writer

from ..models import ArchiveEntry, DocumentFile, LifecycleEvent
from .archive_readme import readme

GENESIS = "0" * 64
DOCUMENT, EVENT = "document", "event"
BATCH = 500  # entries chained per transaction
ATTEMPTS = 5  # another worker took the same position: read the end of the chain again
Progress = Callable[[str, int, int], None]


def canonical(series: str, position: int, kind: str, reference: str, files: dict, previous_hash: str) -> bytes:
    """The exact bytes an entry's hash is taken over (the README repeats this for auditors)."""
    entry = {"series": series, "position": position, "kind": kind, "reference": reference, "files": files,
             "previous_hash": previous_hash}
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(*fields) -> str:
    return hashlib.sha256(canonical(*fields)).hexdigest()


# --- Appending -------------------------------------------------------------------------------

@dataclass
class _Item:
    reference: str
    invoice_id: int | None
    files: Callable[[], dict]  # called once the entry's position is taken (writes the files)


def archive_pending() -> int:
    """Archive the rendered issued documents not archived yet, in number order per series (a
    series waits at its first document not rendered yet, so its chain follows the numbering),
    then the lifecycle events not archived yet. Idempotent, safe with concurrent workers.
    Returns how many entries were added."""
    archived = ArchiveEntry.objects.filter(kind=DOCUMENT, reference=OuterRef("number"))
    pending = (Invoice.objects.filter(status=InvoiceStatus.ISSUED).filter(~Exists(archived))
               .order_by(Length("number"), "number").values_list("pk", "number", "file__rendered_at"))
    ready: dict[str, list[int]] = {}
    waiting: set[str] = set()
    for pk, number, rendered_at in pending:
        series = series_of_number(number)
        if rendered_at is None:
            waiting.add(series)
        elif series not in waiting:
            ready.setdefault(series, []).append(pk)
    count = sum(_append(series, _documents(series, ids[start:start + BATCH]), DOCUMENT)
                for series, ids in ready.items() for start in range(0, len(ids), BATCH))
    return count + _archive_events()


def _documents(series: str, invoice_ids: list[int]) -> list[_Item]:
    rows = (DocumentFile.objects.filter(invoice_id__in=invoice_ids)
            .values_list("invoice_id", "invoice__number", "invoice__issue_date", "xml", "pdf_path", "pdf_sha256"))
    by_invoice = {row[0]: row for row in rows}
    items = []
    for pk in invoice_ids:
        _, number, issue_date, xml, pdf_path, pdf_sha256 = by_invoice[pk]
        base = f"{issue_date.year}/{series}/{number.replace('/', '_')}"

        def files(number=number, base=base, xml=bytes(xml), pdf_path=pdf_path, pdf_sha256=pdf_sha256) -> dict:
            pdf = (Path(settings.DOCUMENTS_DIR) / pdf_path).read_bytes()
            if hashlib.sha256(pdf).hexdigest() != pdf_sha256:
                raise NotAllowed(f"the rendered PDF of {number} ({pdf_path}) does not match its stored SHA-256; "
                                 "it is not archived", code="pdf_altered")
            return {"pdf": _write_once(f"{base}.pdf", pdf), "xml": _write_once(f"{base}.xml", xml)}

        items.append(_Item(number, pk, files))
    return items


def _archive_events() -> int:
    archived = ArchiveEntry.objects.filter(kind=EVENT, reference=OuterRef("message_id"))
    events = (LifecycleEvent.objects.filter(~Exists(archived)).order_by("at", "pk")
              .values_list("message_id", "delivery__invoice_id", "delivery__invoice__number", "status", "at",
                           "reason_code", "reason", "by_operator"))
    by_series: dict[str, list[_Item]] = {}
    for message_id, invoice_id, number, status, at, reason_code, reason, by_operator in events:
        files = {"status": status, "at": at.astimezone(UTC).isoformat(), "reason_code": reason_code,
                 "reason": reason, "by_operator": by_operator, "invoice": number}
        item = _Item(message_id, invoice_id, lambda files=files: files)
        by_series.setdefault(f"events-{timezone.localtime(at).year}", []).append(item)
    return sum(_append(series, items[start:start + BATCH], EVENT)
               for series, items in by_series.items() for start in range(0, len(items), BATCH))


def _append(series: str, items: list[_Item], kind: str) -> int:
    """Chain `items` after the last entry of `series`. The last entry is locked (PostgreSQL; SQLite's
    IMMEDIATE transactions serialize writers); a worker that took the same position anyway fails on
    the unique (series, position) and tries again, skipping what the other archived."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                chain = ArchiveEntry.objects.filter(series=series).order_by("-position").values_list("position", "hash")
                chain.select_for_update().first()
                position, previous = chain.first() or (0, GENESIS)  # read again: the lock may have waited
                done = set(ArchiveEntry.objects.filter(kind=kind, reference__in=[i.reference for i in items])
                           .values_list("reference", flat=True))
                rows = []
                for item in items:
                    if item.reference in done:
                        continue
                    position += 1
                    files = item.files()
                    digest = entry_hash(series, position, kind, item.reference, files, previous)
                    rows.append(ArchiveEntry(series=series, position=position, kind=kind, reference=item.reference,
                                             invoice_id=item.invoice_id, files=files, previous_hash=previous,
                                             hash=digest))
                    previous = digest
                ArchiveEntry.objects.bulk_create(rows)
                return len(rows)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    return 0


def _write_once(relative: str, data: bytes) -> dict:
    """Write an archived file read-only, atomically, never over another: a file already there
    with the same bytes is fine (a retry), different bytes are refused."""
    digest = hashlib.sha256(data).hexdigest()
    target = Path(settings.ARCHIVE_DIR) / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(partial, 0o444)
            os.link(partial, target)  # unlike a rename, never replaces a file already there
        except FileExistsError:
            pass  # another worker wrote it first: compared below
        finally:
            os.unlink(partial)
    existing, _ = file_digest(target)
    if existing != digest:
        raise NotAllowed(f"{relative} is already archived with other content (sha256 {existing}, not {digest}); "
                         "the archive is write-once", code="archive_conflict")
    return {"path": relative, "sha256": digest, "size": len(data)}


def file_digest(path: Path) -> tuple[str, int]:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest(), os.fstat(file.fileno()).st_size


def series_of_number(number: str) -> str:
    return number.rsplit("-", 1)[0]  # F2026-000123 → F2026 (numbering.format_number)


def _sequence(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


# --- Verifying -------------------------------------------------------------------------------

class Finding(StrEnum):
    ALTERED_FILE = "altered file"
    ALTERED_ENTRY = "altered entry"
    BROKEN_CHAIN = "broken chain"
    MISSING_POSITION = "missing position"
    MISSING_FILE = "missing file"
    REMOVED_DOCUMENT = "removed document"
    NOT_ARCHIVED_YET = "not archived yet"  # a warning: the next `archive run` takes it


@dataclass(frozen=True)
class Problem:
    series: str
    position: int | None
    reference: str
    finding: Finding
    detail: str = ""

    def __str__(self) -> str:
        where = " ".join(str(p) for p in (self.series, self.position and f"#{self.position}", self.reference) if p)
        return f"{self.finding}: {where}" + (f" — {self.detail}" if self.detail else "")


@dataclass
class VerifyReport:
    year: int | None
    entries: int = 0
    files: int = 0
    series: dict[str, int] = field(default_factory=dict)  # entries per series
    heads: dict[str, str] = field(default_factory=dict)  # the last hash of each series, to note elsewhere
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(year: int | None = None, *, files: bool = True, progress: Progress | None = None) -> VerifyReport:
    """Recompute every entry's hash and link, check positions run 1..n, re-hash the archived files
    (unless files=False), and compare with the issued documents: one absent from its series while a
    later number is archived was removed; one rendered and absent at the end is not archived yet."""
    report = VerifyReport(year)
    rows = ArchiveEntry.objects.order_by("series", "position")
    if year is not None:
        rows = rows.filter(series__in=series_of_year(year))
    total = rows.count() if progress else 0
    root = Path(settings.ARCHIVE_DIR)
    last_number: dict[str, str] = {}
    series, expected, previous = None, 1, GENESIS
    columns = ("series", "position", "kind", "reference", "files", "previous_hash", "hash")
    for name, position, kind, reference, entry_files, previous_hash, stored in (
            rows.values_list(*columns).iterator(chunk_size=5000)):
        if name != series:
            series, expected, previous = name, 1, GENESIS
        if position != expected:
            missing = f"{expected}" if position == expected + 1 else f"{expected} to {position - 1}"
            report.problems.append(Problem(name, expected, "", Finding.MISSING_POSITION,
                                           f"position(s) {missing} removed before {reference}"))
        elif previous_hash != previous:
            report.problems.append(Problem(name, position, reference, Finding.BROKEN_CHAIN,
                                           f"previous_hash {previous_hash} is not the hash of position {expected - 1}"))
        recomputed = entry_hash(name, position, kind, reference, entry_files, previous_hash)
        if recomputed != stored:
            report.problems.append(Problem(name, position, reference, Finding.ALTERED_ENTRY,
                                           f"stored hash {stored}, content hashes to {recomputed}"))
        if files and kind == DOCUMENT:
            _check_files(report, root, name, position, reference, entry_files)
        if kind == DOCUMENT:
            last_number[name] = reference
        expected, previous = position + 1, recomputed
        report.entries += 1
        report.series[name] = report.series.get(name, 0) + 1
        report.heads[name] = stored
        if progress and report.entries % 10_000 == 0:
            progress("verify", report.entries, total)
    if progress:
        progress("verify", report.entries, total)
    _check_unarchived(report, year, last_number)
    return report


def _check_files(report: VerifyReport, root: Path, series: str, position: int, reference: str, files) -> None:
    for meta in (files.values() if isinstance(files, dict) else ()):
        path = meta.get("path", "") if isinstance(meta, dict) else ""
        report.files += 1
        try:
            digest, size = file_digest(root / path)
        except (FileNotFoundError, IsADirectoryError):
            report.problems.append(Problem(series, position, reference, Finding.MISSING_FILE, f"{path} is missing"))
            continue
        if (digest, size) != (meta.get("sha256"), meta.get("size")):
            report.problems.append(Problem(series, position, reference, Finding.ALTERED_FILE,
                                           f"{path}: sha256 {digest} ({size} bytes), archived as {meta.get('sha256')} "
                                           f"({meta.get('size')} bytes)"))


def _check_unarchived(report: VerifyReport, year: int | None, last_number: dict[str, str]) -> None:
    archived = ArchiveEntry.objects.filter(kind=DOCUMENT, reference=OuterRef("number"))
    documents = Invoice.objects.filter(status=InvoiceStatus.ISSUED, file__rendered_at__isnull=False)
    events = LifecycleEvent.objects.filter(~Exists(ArchiveEntry.objects.filter(kind=EVENT,
                                                                               reference=OuterRef("message_id"))))
    if year is not None:
        documents, events = documents.filter(issue_date__year=year), events.filter(at__year=year)
    for number in documents.filter(~Exists(archived)).order_by(Length("number"), "number").values_list(
            "number", flat=True):
        series = series_of_number(number)
        last = last_number.get(series)
        if last is not None and _sequence(number) < _sequence(last):
            report.problems.append(Problem(series, None, number, Finding.REMOVED_DOCUMENT,
                                           f"issued and absent from the archive, while {last} is archived"))
        else:
            report.warnings.append(Problem(series, None, number, Finding.NOT_ARCHIVED_YET))
    for message_id, at in events.order_by("at", "pk").values_list("message_id", "at"):
        report.warnings.append(Problem(f"events-{timezone.localtime(at).year}", None, message_id,
                                       Finding.NOT_ARCHIVED_YET))


def series_of_year(year: int) -> list[str]:
    """F2026, AV2026, events-2026: series codes end with their year (numbering.series_code)."""
    names = ArchiveEntry.objects.order_by("series").values_list("series", flat=True).distinct()
    return [name for name in names if name.endswith(str(year))]


# --- Exporting for an auditor ----------------------------------------------------------------

MANIFEST = ["series", "position", "kind", "reference", "file", "sha256", "size", "previous_hash", "hash"]
EVENTS = ["series", "position", "reference", "invoice", "status", "at", "reason_code", "reason", "by_operator",
          "hash"]


def export_year(year: int, destination: Path) -> Path:
    """A ZIP of a year's archive for an auditor: the archived files under their archive paths,
    manifest.csv, events.csv and README.txt (how to recompute the chain without telcobill).
    Refused when the year does not verify."""
    report = verify(year)
    if not report.ok:
        raise NotAllowed(f"the archive of {year} fails verification ({len(report.problems)} problem(s), first: "
                         f"{report.problems[0]}); see `telcobill archive verify --year {year}`",
                         code="archive_not_intact")
    if not report.entries:
        raise NotFound(f"nothing is archived for {year}")
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    target = destination / f"telcobill-archive-{year}.zip"
    partial = target.with_name(target.name + ".part")
    root = Path(settings.ARCHIVE_DIR)
    rows = (ArchiveEntry.objects.filter(series__in=list(report.series)).order_by("series", "position")
            .values_list("series", "position", "kind", "reference", "files", "previous_hash", "hash"))
    with (tempfile.TemporaryDirectory() as scratch, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle,
          open(Path(scratch) / "manifest.csv", "w", encoding="utf-8", newline="") as manifest_file,
          open(Path(scratch) / "events.csv", "w", encoding="utf-8", newline="") as events_file):
        manifest, events = spreadsheet_writer(manifest_file), spreadsheet_writer(events_file)
        manifest.writerow(MANIFEST)
        events.writerow(EVENTS)
        for series, position, kind, reference, files, previous_hash, digest in rows.iterator(chunk_size=5000):
            if position > report.series[series]:
                continue  # chained since the verification: the next export has it
            if kind == EVENT:
                manifest.writerow([series, position, kind, reference, "", "", "", previous_hash, digest])
                events.writerow([series, position, reference, files["invoice"], files["status"], files["at"],
                                 files["reason_code"], files["reason"], json.dumps(files["by_operator"]), digest])
                continue
            for key in sorted(files):
                meta = files[key]
                manifest.writerow([series, position, kind, reference, meta["path"], meta["sha256"], meta["size"],
                                   previous_hash, digest])
                bundle.write(root / meta["path"], meta["path"])
        manifest_file.close()
        events_file.close()
        bundle.write(Path(scratch) / "manifest.csv", "manifest.csv")
        bundle.write(Path(scratch) / "events.csv", "events.csv")
        bundle.writestr("README.txt", readme(year, report.series, report.heads))
    os.replace(partial, target)
    return target
