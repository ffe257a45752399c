import pytest

from telcobill.support.starter import install_starter_content
from tests.support.personas import (  # noqa: F401  (fixtures)
    agent,
    camille,
    camille_account,
    garage_account,
    hugo,
    ines,
    lea,
    other_agent,
    paul,
)


@pytest.fixture(autouse=True)
def _starter_content(db):
    """Every test starts with the migration's guides and canned answers (a transactional test's
    flush, earlier in the run, removes them)."""
    install_starter_content()
