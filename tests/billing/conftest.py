from datetime import UTC, datetime

import pytest

from telcobill.billing.models import Invoice
from telcobill.workflows.bill_run import run_bill_run
from tests.factories import make_catalogue


@pytest.fixture
def catalogue(db):
    make_catalogue()


@pytest.fixture
def bill(django_capture_on_commit_callbacks):
    """Run and issue a cycle as staff would (compute, approve, issue) at a fixed time."""

    def run(cycle: str, **kwargs):
        year, month = map(int, cycle.split("-"))
        with django_capture_on_commit_callbacks(execute=True):
            return run_bill_run(cycle, approve_by="test", clock=lambda: datetime(year, month, 1, 6, 0, tzinfo=UTC),
                                **kwargs)

    return run


def document(account, cycle: str) -> Invoice:
    return Invoice.objects.get(billing_account=account, cycle=cycle)


def lines_of(doc: Invoice) -> list[tuple]:
    """(description, quantity, unit price excl. VAT, amount excl. VAT) per line, in order."""
    return [(ln.description, str(ln.quantity.normalize()), str(ln.unit_price), str(ln.net_amount))
            for ln in doc.lines.order_by("position")]
