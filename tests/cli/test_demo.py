"""`telcobill demo`: a small demo operator is built through the real use cases, every document
issued and rendered, and the same seed gives the same invoices."""

import pytest
from django.core.management import call_command

from telcobill.billing.models import BillRun, Invoice
from telcobill.customers.models import Customer, Person
from telcobill.documents.models import DocumentFile


def _documents():
    return list(Invoice.objects.filter(number__isnull=False).order_by("number").values_list(
        "number", "billing_account__number", "total_net", "total_vat", "total_gross"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_demo_is_built_rendered_and_deterministic(capsys):
    call_command("demo", seed=3, customers=12)
    out = capsys.readouterr().out
    first = _documents()

    assert Customer.objects.count() == 12
    assert BillRun.objects.filter(status="issued").count() == 14
    assert len(first) > 12
    assert DocumentFile.objects.filter(rendered_at__isnull=False).count() == len(first)
    assert "staff@telcobill.invalid" in out and "demo-telcobill-2026" in out
    assert Person.objects.get(email="staff@telcobill.invalid").is_staff

    call_command("demo", seed=3, customers=12)  # already built: kept as it is
    assert _documents() == first
    call_command("demo", seed=3, customers=12, reset=True)
    assert _documents() == first
