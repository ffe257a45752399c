import pytest
from django.db import connection

from telcobill.billing import db_triggers as _triggers


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
