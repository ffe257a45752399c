"""Worker processes that set Django up themselves, on the database their parent uses.

Spawned, never forked: a forked child inherits the parent's threads' locks (Playwright,
saxonche, database drivers) and can hang forever. Importable before Django is set up.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from urllib.parse import quote


def database_url(settings_dict: dict) -> str:
    """The URL of the database a connection really uses (a test database, for instance)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def setup_django(url: str, tasks_backend: str = "") -> None:
    os.environ["DATABASE_URL"] = url
    if tasks_backend:
        os.environ["TELCOBILL_TASKS"] = tasks_backend
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcobill.settings")
    import django

    django.setup()


def django_pool(workers: int, initializer=setup_django, initargs: tuple = ()) -> ProcessPoolExecutor:
    """Spawned processes with Django set up on this process's database."""
    from django.db import connection

    return ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=initializer,
                               initargs=(database_url(connection.settings_dict), *initargs))
