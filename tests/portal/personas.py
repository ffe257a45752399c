"""Personas of the customer space, a plugin of tests/conftest.py (for tests/portal and
tests/browser): a holder with invoices, a stranger with their own, an accountant and a line user
of the holder's customer, someone with two customers."""

from datetime import date

import pytest

from telcobill.customers.models import Access, BillingAccount, Person, Role
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual

PASSWORD = "correct horse battery staple"


def person(email, customer, role, line=None):
    someone = Person.objects.create_user(email, PASSWORD, first_name=email.split(".")[0].title())
    Access.objects.create(person=someone, customer=customer, role=role, line=line)
    return someone


@pytest.fixture
def family(catalogue, bill):
    """Camille's account, paying by transfer, billed September to November 2026; and a stranger's
    business account (Garage Moreau), billed in November."""
    account = make_individual("Camille Martin", payment_method="transfer")
    line = activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 9, 1), sim_fee=None)
    garage = make_business("Garage Moreau SARL", siren="552100554")
    activate_line(account=garage, msisdn="0698765432", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    for cycle in ("2026-09", "2026-10", "2026-11"):
        bill(cycle)
    return account, line


@pytest.fixture
def stranger_account(family):
    return BillingAccount.objects.get(customer__name="Garage Moreau SARL")


@pytest.fixture
def holder(family):
    return person("camille.martin@example.org", family[0].customer, Role.HOLDER)


@pytest.fixture
def stranger(stranger_account):
    return person("paul.moreau@example.com", stranger_account.customer, Role.HOLDER)


@pytest.fixture
def signed_in(client):
    def sign_in(who):
        client.force_login(who)
        return client
    return sign_in
