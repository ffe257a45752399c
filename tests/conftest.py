from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.utils import translation

from telcobill.billing import db_triggers as _triggers
from telcobill.workflows.bill_run import run_bill_run
from tests.factories import make_catalogue

pytest_plugins = ["tests.portal.personas"]  # the customer space's personas, for pages and browsers


@pytest.fixture
def catalogue(db):
    """The small purpose-built catalogue of tests/factories.py."""
    make_catalogue()


@pytest.fixture
def bill(django_capture_on_commit_callbacks):
    """Run and issue a cycle as staff would (compute, approve, issue) at a fixed time."""

    def run(cycle: str, **kwargs):
        year, month = map(int, cycle.split("-"))
        # Frozen on the billing day: everything that asks for "now" agrees with the run.
        with (time_machine.travel(datetime(year, month, 1, 6, 0, tzinfo=UTC), tick=False),
              django_capture_on_commit_callbacks(execute=True)):
            return run_bill_run(cycle, approve_by="test", **kwargs)

    return run


@pytest.fixture(autouse=True)
def _own_archive_and_exchange(settings, tmp_path):
    """Each test archives and exchanges with platforms in its own folders: the archive is write-once,
    and two tests' F2026-000001 are different documents."""
    settings.ARCHIVE_DIR = tmp_path / "archive"
    settings.EINVOICING = {**settings.EINVOICING, "dir": tmp_path / "einvoicing"}


@pytest.fixture(autouse=True)
def _french_by_default():
    """Each test starts and ends in French: a request in English (LocaleMiddleware activates the
    person's language in this thread) must not make the next test's messages English."""
    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _sqlite_flush_allowed(request):
    """Transactional tests end with a flush (DELETE FROM every table). On SQLite the
    immutability triggers refuse to delete issued documents, so they are lifted for that
    flush and put back before the next test. PostgreSQL's flush (TRUNCATE) fires no row trigger."""
    if "transactional_db" not in request.fixturenames and not _is_transactional(request):
        yield
        return
    if connection.vendor == "sqlite":
        _triggers.create_sqlite(connection)
    yield
    if connection.vendor == "sqlite":
        _triggers.drop_sqlite(connection)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])))
