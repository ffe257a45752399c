"""Ma conso's people: Camille (an individual whose usage is tested from September to 20 November
2026), the Atelier Dupont business (three lines, two sharing their data, and its holder, manager,
accountant and a line user), and a stranger business, Garage Moreau."""

from datetime import date

import pytest

from telcobill.customers.models import Role
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual
from tests.portal.personas import person
from tests.usage.conftest import demo_catalogue, source, usage_store  # noqa: F401 (fixtures)
from tests.usage.conso_story import MB, NOW, camille_story, ingest

GB = 1_073_741_824


@pytest.fixture
def camille_line(demo_catalogue):  # noqa: F811
    account = make_individual("Camille Martin")
    account.email = "camille.martin@example.org"
    account.save()
    return activate_line(account=account, msisdn="+33612345678", plan_code="forfait_2h", on=date(2026, 9, 1))


@pytest.fixture
def camille(camille_line):
    return person("camille.martin@example.org", camille_line.billing_account.customer, Role.HOLDER)


@pytest.fixture
def story(camille_line, source, usage_store, tmp_path, bill, django_capture_on_commit_callbacks,  # noqa: F811
          time_machine):
    camille_story(source, tmp_path, django_capture_on_commit_callbacks, bill, time_machine)
    return camille_line


@pytest.fixture
def atelier(demo_catalogue, source, usage_store, tmp_path, django_capture_on_commit_callbacks,  # noqa: F811
            time_machine):
    """Its three lines, on 20 November 2026: 3 GB and 512 MB from the shared 120 GB, 1.5 GB of 10 GB."""
    account = make_business("Atelier Dupont SARL")
    lines = [activate_line(account=account, msisdn=msisdn, plan_code=plan, on=date(2026, 9, 1), label=label)
             for msisdn, plan, label in [("0611111111", "pro_partage", "Standard"),
                                         ("0622222222", "pro_partage", "Léa Dupont"),
                                         ("0633333333", "pro_10go", "Marc — atelier")]]
    time_machine.move_to(NOW, tick=False)
    ingest(source, tmp_path, "atelier", [
        f"a-1,33611111111,data,out,2026-11-05T10:00:00+01:00,,,{3 * GB},FR",
        f"a-2,33622222222,data,out,2026-11-06T10:00:00+01:00,,,{512 * MB},FR",
        f"a-3,33633333333,data,out,2026-11-07T10:00:00+01:00,,,{3 * GB // 2},FR",
        "a-4,33633333333,voice,out,2026-11-08T10:00:00+01:00,33145678901,95,,FR",
    ], NOW, django_capture_on_commit_callbacks)
    return lines


@pytest.fixture
def people(atelier):
    customer = atelier[0].billing_account.customer
    return {"holder": person("sophie.dupont@example.com", customer, Role.HOLDER),
            "manager": person("marc.petit@example.com", customer, Role.MANAGER),
            "accountant": person("claire.comptable@example.com", customer, Role.ACCOUNTANT),
            "line_user": person("lea.dupont@example.com", customer, Role.LINE_USER, line=atelier[1])}


@pytest.fixture
def garage_line(demo_catalogue):  # noqa: F811
    account = make_business("Garage Moreau SARL", siren="552100554")
    return activate_line(account=account, msisdn="0698765432", plan_code="pro_10go", on=date(2026, 9, 1))
