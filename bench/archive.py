"""Archive verification of N documents (default 1,000,000), beside baselines measured in the same run
on the same rows and the same bytes.

N entries are chained in one series (F2026), as `archive_pending` would chain them. Each points at
a real Factur-X PDF and its CII XML (~90 KB the pair) taken from a pool of documents rendered at
start: storing a million distinct PDFs (~90 GB) is too heavy for a bench, and re-hashing a pool file
is the same work on the same number of bytes. The pool is small, so the bytes come from the page
cache: the figures are the CPU cost of verifying. From disk, the re-hash is bound by the disk (the
bench prints the bytes, divide by your disk's throughput).

Figures, each with its baseline and the ratio:
  - the chain (`verify(files=False)`: recompute every hash and link, check the positions) against a
    bare scan of the same rows (the same `values_list(...).iterator()` query, nothing done per row);
  - the full verification (`verify()`: chain + re-hash of 2N files) against that bare scan plus plain
    `hashlib.sha256` over the same files (open, read, hash), nothing else.

    python bench/archive.py [--entries 1000000] [--pool 32] [--database-url postgres://...]

--database-url points at an empty PostgreSQL database (bench/run.py creates one for billrun.py);
by default a temporary SQLite file. Generation (bulk inserts, hashes computed in Python) is timed
but is not a figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

COLUMNS = ("series", "position", "kind", "reference", "files", "previous_hash", "hash")


def setup_django(database_url: str, data_dir: str) -> None:
    os.environ.update({"DATABASE_URL": database_url, "TELCOBILL_DATA_DIR": data_dir,
                       "TELCOBILL_ARCHIVE_DIR": str(Path(data_dir) / "archive"),
                       "TELCOBILL_SECRET_KEY": "bench-secret-key-0123456789-0123456789-0123456789",
                       "DJANGO_SETTINGS_MODULE": "telcobill.settings"})
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def render_pool(size: int) -> list[dict]:
    """`size` real documents (the eight sample variants, numbered apart) written as archived files;
    returns each one's `files` as an archive entry holds it."""
    from django.conf import settings

    from telcobill.documents.cii import build_cii
    from telcobill.documents.pdf import render_pdf
    from telcobill.documents.sample import sample_document

    variants = [sample_document(business=b, credit_note=c, direct_debit=d)
                for b in (True, False) for c in (False, True) for d in (True, False)]
    folder = Path(settings.ARCHIVE_DIR) / "2026" / "F2026"
    folder.mkdir(parents=True, exist_ok=True)
    pool = []
    for i in range(size):
        document = dataclasses.replace(variants[i % len(variants)], number=f"F2026-{900000 + i:06d}")
        xml = build_cii(document)
        files = {}
        for extension, data in (("pdf", render_pdf(document, xml)), ("xml", xml)):
            path = folder / f"pool-{i:04d}.{extension}"
            path.write_bytes(data)
            path.chmod(0o444)
            files[extension] = {"path": f"2026/F2026/{path.name}", "sha256": hashlib.sha256(data).hexdigest(),
                                "size": len(data)}
        pool.append(files)
    return pool


def generate(entries: int, pool: list[dict], batch: int = 10_000) -> None:
    from django.db import transaction

    from telcobill.billing.services.numbering import format_number
    from telcobill.documents.models import ArchiveEntry
    from telcobill.documents.services.archive import GENESIS, entry_hash

    previous = GENESIS
    for start in range(1, entries + 1, batch):
        rows = []
        for position in range(start, min(start + batch, entries + 1)):
            reference, files = format_number("F2026", position), pool[position % len(pool)]
            digest = entry_hash("F2026", position, "document", reference, files, previous)
            rows.append(ArchiveEntry(series="F2026", position=position, kind="document", reference=reference,
                                     files=files, previous_hash=previous, hash=digest))
            previous = digest
        with transaction.atomic():
            ArchiveEntry.objects.bulk_create(rows)


def bare_scan() -> float:
    """The rows `verify` reads, read the same way, with nothing done per row."""
    from telcobill.documents.models import ArchiveEntry

    t = time.perf_counter()
    rows = ArchiveEntry.objects.filter(series__in=["F2026"]).order_by("series", "position")
    for _ in rows.values_list(*COLUMNS).iterator(chunk_size=5000):
        pass
    return time.perf_counter() - t


def plain_sha256(entries: int, pool: list[dict], root: Path) -> tuple[float, int]:
    """Open and hash the same 2N files in the same order (hashlib.file_digest); nothing else."""
    paths = [[root / meta["path"] for meta in files.values()] for files in pool]
    hashed = 0
    t = time.perf_counter()
    for position in range(1, entries + 1):
        for path in paths[position % len(paths)]:
            with open(path, "rb") as file:
                hashlib.file_digest(file, "sha256").hexdigest()
                hashed += file.tell()
    return time.perf_counter() - t, hashed


def timed(function, *args, **kwargs):
    t = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - t, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--pool", type=int, default=32, help="real documents rendered for the entries to point at")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="telcobill-bench-")
    try:
        run(args, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)  # ~0.5 GB of SQLite for a million entries


def run(args: argparse.Namespace, data_dir: str) -> None:
    url = args.database_url or f"sqlite:///{data_dir}/bench.sqlite3"
    setup_django(url, data_dir)
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    from django.conf import settings

    from telcobill.documents.services.archive import verify

    pool_s, pool = timed(render_pool, args.pool)
    pair_kb = sum(m["size"] for files in pool for m in files.values()) / len(pool) / 1024
    generate_s, _ = timed(generate, args.entries, pool)
    print(f"[{engine}] {args.entries:,} entries chained in {generate_s:.1f} s, pointing at {args.pool} real documents "
          f"(rendered in {pool_s:.1f} s, {pair_kb:,.0f} KB per PDF + XML)", flush=True)

    bare_scan()  # warm the database's cache, as the runs after it find it
    scan_s = bare_scan()
    chain_s, report = timed(verify, 2026, files=False)
    assert report.ok and report.entries == args.entries, report.problems[:5]
    print(f"[{engine}] chain of {args.entries:,} entries (verify --no-files): {chain_s:.1f} s "
          f"({args.entries / chain_s:,.0f} entries/s); bare scan of the same rows: {scan_s:.1f} s; "
          f"ratio {chain_s / scan_s:.2f}x", flush=True)

    hash_s, hashed = plain_sha256(args.entries, pool, Path(settings.ARCHIVE_DIR))
    full_s, report = timed(verify, 2026)
    assert report.ok and report.files == 2 * args.entries, report.problems[:5]
    floor_s = scan_s + hash_s
    print(f"[{engine}] full verification of {args.entries:,} documents ({report.files:,} files, "
          f"{hashed / 1e9:,.1f} GB re-hashed): {full_s:.1f} s ({args.entries / full_s:,.0f} documents/s); "
          f"plain sha256 of the same files {hash_s:.1f} s + bare scan {scan_s:.1f} s = {floor_s:.1f} s; "
          f"ratio {full_s / floor_s:.2f}x", flush=True)
    print(f"[{engine}] files read from the page cache; from disk add {hashed / 1e9:,.1f} GB / the disk's "
          f"throughput. Peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
