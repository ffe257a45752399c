"""The billing address of an account: checked field by field, audited with before and after, and
printed by the next bill run (issued documents keep theirs)."""

from datetime import date

import pytest

from telcobill.billing.models import Invoice
from telcobill.customers.models import AuditEvent, Role
from telcobill.customers.services.billing_address import change_billing_address
from telcobill.errors import Invalid
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.portal.personas import person

NEW = {"address_line1": "  27 avenue  Jean Jaurès ", "address_line2": "Bât. B, 3e étage", "postcode": "69007",
       "city": "Lyon", "country_code": "fr"}


@pytest.fixture
def account(db):
    return make_individual("Camille Martin")


def test_the_address_is_saved_tidied_and_audited(account):
    camille = person("camille.martin@example.org", account.customer, Role.HOLDER)
    change_billing_address(account, by=camille, **NEW)

    account.refresh_from_db()
    assert (account.address_line1, account.address_line2, account.postcode, account.city, account.country_code) == (
        "27 avenue Jean Jaurès", "Bât. B, 3e étage", "69007", "Lyon", "FR")
    event = AuditEvent.objects.get(kind="customers.billing_address_changed")
    assert (event.actor, event.customer, event.summary) == (
        camille, account.customer, f"Adresse de facturation du compte {account.number} : 69007 Lyon")
    assert event.data["before"] == {"address_line1": "8 rue des Lilas", "address_line2": "", "postcode": "69003",
                                    "city": "Lyon", "country_code": "FR"}
    assert event.data["after"]["address_line1"] == "27 avenue Jean Jaurès"


def test_the_same_address_again_changes_nothing_and_is_not_audited(account):
    change_billing_address(account, by=None, address_line1="8 rue des Lilas", address_line2="", postcode="69003",
                           city="Lyon", country_code="FR")
    assert not AuditEvent.objects.filter(kind="customers.billing_address_changed").exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"address_line1": " "}, "address_line1", "Indiquez le numéro et la rue."),
    ({"postcode": "6900"}, "postcode", "Le code postal a 5 chiffres, par exemple 69003."),
    ({"city": ""}, "city", "Indiquez la ville."),
    ({"country_code": "France"}, "country_code", "Choisissez un pays dans la liste."),
    ({"country_code": "BE", "postcode": ""}, "postcode", "Indiquez le code postal."),
])
def test_a_wrong_field_is_named_with_what_to_do_and_nothing_is_saved(account, changes, field, message):
    with pytest.raises(Invalid) as refused:
        change_billing_address(account, by=None, **{**NEW, **changes})
    assert (refused.value.code, refused.value.message) == (field, message)
    account.refresh_from_db()
    assert account.address_line1 == "8 rue des Lilas" and not AuditEvent.objects.exists()


def test_an_address_abroad_keeps_its_own_postcode(account):
    change_billing_address(account, by=None, address_line1="Rue de la Loi 16", address_line2="", postcode="1000",
                           city="Bruxelles", country_code="BE")
    account.refresh_from_db()
    assert (account.postcode, account.country_code) == ("1000", "BE")


def test_the_next_invoice_prints_the_new_address_and_the_issued_one_keeps_the_old(catalogue, bill):
    account = make_individual("Camille Martin")
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 10, 1), sim_fee=None)
    bill("2026-10")
    change_billing_address(account, by=None, **NEW)
    bill("2026-11")

    october, november = Invoice.objects.filter(billing_account=account).order_by("issue_date")
    assert october.buyer["address"] == {"line1": "8 rue des Lilas", "line2": "", "postcode": "69003",
                                        "city": "Lyon", "country_code": "FR"}
    assert november.buyer["address"] == {"line1": "27 avenue Jean Jaurès", "line2": "Bât. B, 3e étage",
                                         "postcode": "69007", "city": "Lyon", "country_code": "FR"}
