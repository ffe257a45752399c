"""Invariant 1: an issued document never changes — refused by the model and by the database."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, transaction

from telcobill.billing.models import Invoice, InvoiceLine, IssuedDocumentError
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual

DB_REFUSALS = (IntegrityError, InternalError)


@pytest.fixture
def issued(catalogue, bill):
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    return Invoice.objects.get(billing_account=account)


def test_the_model_refuses_to_save_an_issued_document(issued):
    issued.total_gross = Decimal("0.01")
    with pytest.raises(IssuedDocumentError):
        issued.save()


def test_the_model_refuses_to_delete_an_issued_document(issued):
    with pytest.raises(IssuedDocumentError):
        issued.delete()


def test_the_database_refuses_a_bulk_update_of_an_issued_document(issued):
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        Invoice.objects.filter(pk=issued.pk).update(total_gross=Decimal("0.01"))
    assert Invoice.objects.get(pk=issued.pk).total_gross == Decimal("10.99")


def test_the_database_refuses_to_change_remove_or_add_lines_of_an_issued_document(issued):
    line = issued.lines.get()
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        InvoiceLine.objects.filter(pk=line.pk).update(net_amount=Decimal("0.01"))
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        InvoiceLine.objects.filter(pk=line.pk).delete()
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        InvoiceLine.objects.bulk_create([InvoiceLine(
            invoice=issued, position=2, section="adjustments", description="x", quantity=1, unit_price=1,
            net_amount=Decimal("1.00"), vat_category="S", vat_rate=Decimal("20"))])
    assert list(issued.lines.values_list("net_amount", flat=True)) == [Decimal("9.16")]
