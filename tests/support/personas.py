"""The people of the support tests: Camille (an individual, holder), Garage Moreau (a business with
two lines: Paul the holder, Léa the user of one line, Inès the accountant), Sam the support agent
(staff with the support app's permissions and the customers' view), Hugo (staff without them).

Fixtures to import where they are used (`from tests.support.personas import ...`), the way
tests/loopback.py shares its SMTP server."""

import pytest
from django.contrib.auth.models import Permission
from django.db.models import Q

from telcobill.customers.models import Line, LineStatus, Person, Role
from telcobill.support.starter import install_starter_content
from tests.factories import make_business, make_individual
from tests.portal.personas import PASSWORD, person


@pytest.fixture
def camille_account(db):
    account = make_individual("Camille Martin")
    Line.objects.create(billing_account=account, msisdn="+33612345678", status=LineStatus.ACTIVE)
    return account


@pytest.fixture
def garage_account(db):
    account = make_business("Garage Moreau SARL", siren="552100554")
    Line.objects.create(billing_account=account, msisdn="+33698765432", status=LineStatus.ACTIVE, label="Atelier")
    Line.objects.create(billing_account=account, msisdn="+33698765433", status=LineStatus.ACTIVE, label="Bureau")
    return account


@pytest.fixture
def camille(camille_account):
    return person("camille.martin@example.org", camille_account.customer, Role.HOLDER)


@pytest.fixture
def paul(garage_account):
    return person("paul.moreau@example.com", garage_account.customer, Role.HOLDER)


@pytest.fixture
def lea(garage_account):
    line = garage_account.lines.get(msisdn="+33698765432")
    return person("lea.girard@example.com", garage_account.customer, Role.LINE_USER, line=line)


@pytest.fixture
def ines(garage_account):
    return person("ines.roux@example.com", garage_account.customer, Role.ACCOUNTANT)


def staff(email: str, first: str, last: str, *, support: bool = True) -> Person:
    someone = Person.objects.create_user(email, PASSWORD, is_staff=True, first_name=first, last_name=last)
    allowed = Q(content_type__app_label="customers", codename__startswith="view_")
    if support:
        allowed |= Q(content_type__app_label="support")
    someone.user_permissions.set(Permission.objects.filter(allowed))
    return someone


@pytest.fixture
def agent(db):
    """Sam, a support agent: the support app's permissions and the customers' view, no billing."""
    return staff("sam.conseil@operateur.example", "Sam", "Conseil")


@pytest.fixture
def other_agent(db):
    return staff("nora.benali@operateur.example", "Nora", "Benali")


@pytest.fixture
def hugo(db):
    """Staff from billing: no support permission."""
    return staff("hugo.facturation@operateur.example", "Hugo", "Petit", support=False)


@pytest.fixture
def starter(db):
    """The guides and canned answers of the migration (a transactional test's flush removes them)."""
    install_starter_content()
