"""A line's label and cost centre: recorded, audited once per change, refused when too long."""

from datetime import date

import pytest

from telcobill.customers.models import AuditEvent, Person
from telcobill.errors import Invalid
from telcobill.workflows.lines import activate_line, set_line_details
from tests.factories import make_business


def test_the_label_and_cost_centre_are_recorded_and_audited(catalogue):
    account = make_business()
    line = activate_line(account=account, msisdn="0612345678", plan_code="PRO", on=date(2026, 11, 1), sim_fee=None)
    manager = Person.objects.create_user("gestion@example.com", "x")

    set_line_details(line=line, label="  Hélène   Durand ", cost_centre="Chantier Nord", by=manager)
    set_line_details(line=line, label="Hélène Durand", cost_centre="Chantier Nord", by=manager)  # unchanged

    line.refresh_from_db()
    assert (line.label, line.cost_centre) == ("Hélène Durand", "Chantier Nord")
    event = AuditEvent.objects.get(kind="line.details")
    assert (event.actor, event.customer, event.data) == (manager, account.customer, {
        "before": {"label": "", "cost_centre": ""},
        "after": {"label": "Hélène Durand", "cost_centre": "Chantier Nord"}})


def test_a_too_long_cost_centre_is_refused_and_nothing_changes(catalogue):
    line = activate_line(account=make_business(), msisdn="0612345678", plan_code="PRO", on=date(2026, 11, 1),
                         sim_fee=None)
    with pytest.raises(Invalid) as error:
        set_line_details(line=line, label="Standard", cost_centre="x" * 51)
    assert error.value.code == "cost_centre_too_long"
    line.refresh_from_db()
    assert (line.label, line.cost_centre) == ("", "")
    assert not AuditEvent.objects.exists()
