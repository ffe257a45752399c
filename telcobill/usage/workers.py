"""Entry points of the ingestion worker processes: importable before Django is set up."""

from __future__ import annotations

import os


def setup(url: str, store: str, tasks: str) -> None:
    from telcobill.processes import setup_django

    os.environ["TELCOBILL_USAGE_STORE"] = store  # the parent's store, whatever the environment says
    setup_django(url, tasks)


def ingest_one(source_id: int, path: str, now):
    from .services.ingest import ingest_one

    return ingest_one(source_id, path, now)
