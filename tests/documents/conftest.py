"""Fixtures of the e-invoicing tests: a platform's file exchange in a temporary folder, and a billed
cycle whose business documents were deposited on it."""

from datetime import date

import pytest

from telcobill.billing.models import Invoice
from telcobill.documents.models import Platform
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual


@pytest.fixture
def platform(db, tmp_path):
    return Platform.objects.create(code="pa-test", name="PA de test", exchange_dir=str(tmp_path / "pa"),
                                   is_default=True)


@pytest.fixture
def delivered(catalogue, bill, platform):
    """A cycle billed with a platform configured: an individual, a business in Factur-X, one in UBL,
    one established in Belgium."""
    person = make_individual("Léa Dubois")
    company = make_business("Menuiserie Atlantique SAS")
    ubl = make_business("Cabinet Durand", siren="552100554")
    ubl.einvoice_syntax = "ubl"
    ubl.save()
    abroad = make_business("Brasserie de Liège", siren="381034214")
    abroad.country_code, abroad.postcode, abroad.city = "BE", "4000", "Liège"
    abroad.save()
    activate_line(account=person, msisdn="0612345678", plan_code="PLAN-L", on=date(2026, 10, 12))
    activate_line(account=company, msisdn="0698765432", plan_code="PRO", on=date(2026, 10, 1))
    activate_line(account=ubl, msisdn="0698765434", plan_code="PRO", on=date(2026, 10, 1))
    activate_line(account=abroad, msisdn="0698765435", plan_code="PRO", on=date(2026, 10, 1))
    bill("2026-11")
    return {name: Invoice.objects.get(billing_account=account)
            for name, account in [("person", person), ("company", company), ("ubl", ubl), ("abroad", abroad)]}
