from datetime import date
from pathlib import Path

import pytest

from telcobill.catalogue.loader import load_catalogue
from telcobill.usage.models import UsageSource
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual

DEMO_CATALOGUE = Path(__file__).resolve().parents[2] / "telcobill" / "catalogue" / "demo_catalogue.toml"


@pytest.fixture
def usage_store(settings, tmp_path):
    """Each test its own Parquet store."""
    settings.USAGE = {**settings.USAGE, "store": str(tmp_path / "usage")}
    return tmp_path / "usage"


@pytest.fixture
def demo_catalogue(db):
    load_catalogue(DEMO_CATALOGUE)


@pytest.fixture
def source(db):
    return UsageSource.objects.create(name="switch")


@pytest.fixture
def camille(demo_catalogue):
    """An individual on the 2h plan (120 min, unlimited SMS, 100 MB) since 1 September 2026."""
    account = make_individual("Camille Martin")
    line = activate_line(account=account, msisdn="+33612345678", plan_code="forfait_2h", on=date(2026, 9, 1))
    return line


def write_csv(path: Path, header: str, *rows: str) -> str:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)
