"""A line's 13 months: quantities from the counters (included usage too), out-of-plan amounts as
the invoices billed them, the month in progress as an estimate; a pooled line's data on its pool."""

from datetime import date
from decimal import Decimal

from telcobill.usage.services.history import usage_history
from telcobill.workflows.lines import activate_line
from tests.factories import make_business
from tests.usage.conso_story import MB, NOW, camille_story, ingest


def test_the_months_since_activation_with_billed_and_estimated_amounts(camille, source, usage_store, tmp_path, bill,
                                                           django_capture_on_commit_callbacks, time_machine):
    camille_story(source, tmp_path, django_capture_on_commit_callbacks, bill, time_machine)

    months = usage_history(camille, date(2026, 11, 1))

    # From the line's activation in September; 13 months for a line older than that.
    camille.activated_on = date(2024, 5, 1)
    older = usage_history(camille, date(2026, 11, 1))
    assert [m.month for m in older][:2] == [date(2025, 11, 1), date(2025, 12, 1)]
    assert len(older) == 13
    assert all((m.voice_seconds, m.out_of_plan_incl, m.estimate) == (0, Decimal("0.00"), False) for m in older[:10])
    assert older[10:] == months
    assert [(m.month, m.voice_seconds, m.sms, m.data_bytes, m.pool_data_bytes, m.out_of_plan_excl,
             m.out_of_plan_incl, m.billed, m.estimate) for m in months] == [
        (date(2026, 9, 1), 600, 1, 50 * MB, None, Decimal("0.00"), Decimal("0.00"), True, False),
        # As invoiced in November: 0.17 (London) + 0.21 (300 s beyond 2 h), each with 20 % VAT.
        (date(2026, 10, 1), 7565, 1, 0, None, Decimal("0.38"), Decimal("0.45"), True, False),
        # Not billed yet: the counters' 2.00 excl. VAT so far (data in the USA).
        (date(2026, 11, 1), 754, 2, 92 * MB, None, Decimal("2.00"), Decimal("2.40"), False, True),
    ]


def test_a_pooled_line_gets_its_pools_data(demo_catalogue, source, usage_store, tmp_path,
                                           django_capture_on_commit_callbacks):
    account = make_business("Atelier Dupont SARL")
    first = activate_line(account=account, msisdn="0611111111", plan_code="pro_partage", on=date(2026, 9, 1))
    activate_line(account=account, msisdn="0622222222", plan_code="pro_partage", on=date(2026, 9, 1))
    ingest(source, tmp_path, "pool", [
        f"p-1,33611111111,data,out,2026-11-05T10:00:00+01:00,,,{300 * MB},FR",
        f"p-2,33622222222,data,out,2026-11-06T10:00:00+01:00,,,{200 * MB},FR",
    ], NOW, django_capture_on_commit_callbacks)

    november = usage_history(first, date(2026, 11, 1))[-1]

    assert (november.data_bytes, november.pool_data_bytes) == (0, 500 * MB)
