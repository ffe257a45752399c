"""The entry points of a spawned bill-run worker. Importable before Django is set up: the
worker sets Django up itself, on the database the coordinator uses (tests included)."""

from __future__ import annotations

import os
from urllib.parse import quote

_validator = None


def database_url(settings_dict: dict) -> str:
    """The URL of the database a connection really uses (a test database, for instance)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def start_worker(url: str) -> None:
    global _validator
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcobill.settings")
    import django

    django.setup()
    from telcobill.documents.services.validate import DraftValidator

    _validator = DraftValidator()


def compute_in_worker(run_id: int, account_ids: list[int]) -> int:
    from telcobill.billing.models import BillRun
    from telcobill.catalogue.snapshot import load_snapshot

    from .bill_run_batch import compute_batch

    return compute_batch(BillRun.objects.get(pk=run_id), account_ids, load_snapshot(), _validator)
