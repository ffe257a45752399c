"""`telcobill demo`: a small demo operator is built through the real use cases, every document
issued and rendered, and the same seed gives the same invoices."""

import pytest
from django.core.management import call_command

from telcobill.billing.models import BillRun, Invoice
from telcobill.customers.models import BillingAccount, Customer, Person
from telcobill.documents.models import DocumentFile
from telcobill.payments.models import Collection, CollectionBatch, Mandate
from telcobill.payments.services import pain
from telcobill.payments.services.collections import batch_file


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
    # Every account paying by direct debit has its mandate; each month's debits went to the bank
    # in one valid pain.008 batch, on the collection date.
    debit = BillingAccount.objects.filter(payment_method="direct_debit")
    assert Mandate.objects.filter(status="active").count() == debit.count() > 0
    batches = list(CollectionBatch.objects.order_by("collect_on"))
    assert len(batches) >= 12 and {b.collect_on.day for b in batches} == {15}
    for batch in batches:
        pain.validate(batch_file(batch).read_bytes())
    assert sum(b.count for b in batches) == Collection.objects.filter(batch__isnull=False).count()

    call_command("demo", seed=3, customers=12)  # already built: kept as it is
    assert _documents() == first
    call_command("demo", seed=3, customers=12, reset=True)
    assert _documents() == first
