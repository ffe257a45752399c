"""Personas of the back office (staff, a customer's holder, an anonymous visitor) and billed data."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Permission

from telcobill.billing.models import Invoice
from telcobill.customers.models import Access, Person, Role
from telcobill.workflows.bill_run import run_bill_run
from telcobill.workflows.lines import activate_line
from tests.factories import make_catalogue, make_individual

PASSWORD = "correct horse battery staple"


@pytest.fixture
def catalogue(db):
    make_catalogue()


@pytest.fixture
def staff(db):
    """Someone from the billing team: staff, with the permissions of the billing apps."""
    person = Person.objects.create_user("facturation@operateur.example", PASSWORD, is_staff=True,
                                        first_name="Inès", last_name="Roux")
    person.user_permissions.set(Permission.objects.filter(
        content_type__app_label__in=["customers", "billing", "documents"]))
    return person


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def holder(db):
    """A customer who signs in to the customer space: not staff."""
    account = make_individual("Léa Petit")
    person = Person.objects.create_user("lea.petit@example.org", PASSWORD)
    Access.objects.create(person=person, customer=account.customer, role=Role.HOLDER)
    return person


@pytest.fixture
def bill(django_capture_on_commit_callbacks):
    """Compute, approve and issue a cycle as the CLI would, at 06:00 on its billing day."""

    def run(cycle: str):
        year, month = map(int, cycle.split("-"))
        with django_capture_on_commit_callbacks(execute=True):
            return run_bill_run(cycle, approve_by="test", clock=lambda: datetime(year, month, 1, 6, 0, tzinfo=UTC))

    return run


@pytest.fixture
def invoice(catalogue, bill) -> Invoice:
    """F2026-000001: a line on Forfait S since 10 October, billed in cycle 2026-11 (28,79 € TTC).

    Lines: 1 Forfait S prorata 22 days 6.50, 2 Forfait S November 9.16, 3 SIM card 8.33 (excl. VAT)."""
    account = make_individual("Camille Martin")
    bill("2026-10")
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 10, 10))
    bill("2026-11")
    return Invoice.objects.get(billing_account=account, cycle="2026-11")
