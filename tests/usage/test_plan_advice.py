"""Plan advice: each line's real usage of its last complete months re-rated by the rating engine
with every plan and options on sale, after each bill run; the cheapest offer and the savings
("you would have paid X instead of Y"), as the customer reads amounts."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from telcobill.usage.models import PlanAdvice
from telcobill.usage.services.advice import advise
from telcobill.usage.services.ingest import ingest_file
from telcobill.usage.services.rating import rate_for_billing
from telcobill.workflows.lines import activate_line, change_plan
from tests.factories import make_business, make_individual
from tests.usage.conftest import write_csv

HEADER = "record_id,msisdn,type,started_at,peer,duration_s,volume_bytes,country"
MB = 1_048_576


def _month_file(tmp_path, msisdn: str, month: date, *rows: tuple[str, str, str, str, str]) -> str:
    """Records of a month: (type, day, peer, duration_s, volume_bytes, country) per row."""
    return write_csv(tmp_path / f"{msisdn}-{month:%Y-%m}.csv", HEADER, *(
        f"{month:%Y%m}-{n},{msisdn},{kind},{month:%Y-%m}-{day}T10:00:00+02:00,{peer},{seconds},{volume},{country}"
        for n, (kind, day, peer, seconds, volume, country) in enumerate(rows)))


def _table(advice: PlanAdvice) -> list[tuple]:
    return [(c["plan"], tuple(c["options"]), c["current"], Decimal(c["total"])) for c in advice.choices]


def test_an_individual_over_their_small_plan_is_advised_the_20_gb_plan_after_the_third_bill_run(
        demo_catalogue, source, usage_store, tmp_path, bill):
    account = make_individual("Camille Martin")
    line = activate_line(account=account, msisdn="+33612345678", plan_code="forfait_2h", on=date(2026, 6, 1))
    for month, cycle in ((date(2026, 6, 1), "2026-07"), (date(2026, 7, 1), "2026-08"), (date(2026, 8, 1), "2026-09")):
        # Each month: 300 MB of data (100 MB included) and 150 min of calls to France (120 included).
        ingest_file(source, _month_file(tmp_path, "33612345678", month,
                                        ("data", "10", "", "", str(300 * MB), "FR"),
                                        ("voice", "12", "33145678901", "9000", "", "FR")),
                    now=datetime(month.year, month.month, 28, tzinfo=UTC))
        assert not PlanAdvice.objects.exists()  # fewer than 3 months rated so far
        bill(cycle)

    advice = PlanAdvice.objects.get(line=line)
    assert advice.months == ["2026-06-01", "2026-07-01", "2026-08-01"]
    assert advice.includes_vat is True
    # The 2h plan: 2.99 + out of plan 200 MB x 0.05 and 30 min x 0.05 incl. VAT (9.58 excl. VAT ->
    # 11.50 incl.) = 14.49 a month. The 20 GB plan covers everything for 7.99.
    assert (advice.current_total, advice.best_total, advice.savings, advice.monthly_savings) == (
        Decimal("43.47"), Decimal("23.97"), Decimal("19.50"), Decimal("6.50"))
    assert (advice.best_plan, advice.best_options) == ("forfait_20go", [])
    # The offers rated, cheapest first. Not rated: the plans whose fees alone cost more than 43.47
    # (150 GB, Unlimited); then, the 20 GB plan costing 23.97, any option whose fees alone cost
    # more than that (an option can at best cover the usage of its kinds).
    assert _table(advice) == [
        ("forfait_20go", (), False, Decimal("23.97")),
        ("forfait_40go", (), False, Decimal("29.97")),
        ("forfait_80go_5g", (), False, Decimal("38.97")),
        ("forfait_2h", (), True, Decimal("43.47")),
    ]
    current = advice.choices[-1]
    assert current["monthly"][0] == {"month": "2026-06-01", "fees": "2.99", "usage": "11.50", "total": "14.49"}


def test_a_business_line_roaming_in_the_us_is_advised_the_world_pass(demo_catalogue, source, usage_store, tmp_path):
    account = make_business("Atelier Dupont SARL")
    line = activate_line(account=account, msisdn="+33623456701", plan_code="pro_10go", on=date(2026, 6, 1))
    late = activate_line(account=account, msisdn="+33623456702", plan_code="pro_10go", on=date(2026, 7, 15))
    # Down to the 10 GB plan from 1 August (a downgrade takes effect at the next cycle).
    changed = activate_line(account=account, msisdn="+33623456703", plan_code="pro_100go_5g", on=date(2026, 6, 1))
    assert change_plan(line=changed, plan_code="pro_10go", requested_on=date(2026, 7, 20)) == date(2026, 8, 1)
    PlanAdvice.objects.create(line=late, computed_at=datetime(2026, 8, 1, tzinfo=UTC), months=[], includes_vat=False,
                              current_total=0, best_total=0, best_plan="pro_10go", choices=[])
    for month in (date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1)):
        # 1 GB a month from the United States: 0.20 incl. VAT a MB out of plan -> 170.67 excl. VAT.
        # And a call in France, unlimited on every business plan.
        records = _month_file(tmp_path, "33623456701", month, ("data", "05", "", "", str(1024 * MB), "US"),
                              ("voice", "06", "33145678901", "60", "", "FR"))
        ingest_file(source, records, now=datetime(month.year, month.month, 28, tzinfo=UTC))
        rate_for_billing(month)

    summary = advise(now=datetime(2026, 9, 1, 6, tzinfo=UTC))

    # Too few whole months on the current plan: 1 for the late line and for the changed one.
    assert (summary.lines, summary.skipped) == (1, 2)
    assert not PlanAdvice.objects.filter(line__in=[late, changed]).exists()
    advice = PlanAdvice.objects.get(line=line)
    assert advice.includes_vat is False  # a business reads amounts excl. VAT
    # The world pass (12.99 incl. VAT -> 10.83 excl.) covers 5 GB abroad: 9.00 + 10.83 a month.
    assert _table(advice) == [
        ("pro_10go", ("pass_monde_5go",), False, Decimal("59.49")),
        ("pro_100go_5g", ("pass_monde_5go",), False, Decimal("89.49")),
        ("pro_partage", ("pass_monde_5go",), False, Decimal("98.49")),
        ("pro_illimite_5g", ("pass_monde_5go",), False, Decimal("137.49")),
        ("pro_10go", (), True, Decimal("539.01")),
        ("pro_100go_5g", (), False, Decimal("569.01")),
    ]
    # The current offer, the 3 other plans, and each plan with the world pass: the international
    # option (minutes abroad) cannot lower charges for data, so it is never rated.
    assert (summary.choices_rated, summary.choices_pruned) == (8, 3)
    # 2 records a month, 3 months: the current offer and the 3 other plans rate both (24 copies);
    # the 4 offers with the pass rate the data record only, their calls are their plan's (12).
    assert summary.rated_records == 36
    assert (advice.savings, advice.monthly_savings) == (Decimal("479.52"), Decimal("159.84"))
    assert advice.choices[4]["monthly"][2] == {
        "month": "2026-08-01", "fees": "9.00", "usage": "170.67", "total": "179.67"}


def test_a_line_already_on_its_cheapest_offer_saves_nothing(demo_catalogue, source, usage_store, tmp_path):
    account = make_individual("Léa Petit")
    line = activate_line(account=account, msisdn="+33611111111", plan_code="forfait_2h", on=date(2026, 5, 1))
    for month in (date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)):
        calls = _month_file(tmp_path, "33611111111", month, ("voice", "03", "33145678901", "600", "", "FR"))
        ingest_file(source, calls, now=datetime(month.year, month.month, 28, tzinfo=UTC))
        rate_for_billing(month)

    advise(now=datetime(2026, 10, 1, 6, tzinfo=UTC), months=3)

    advice = PlanAdvice.objects.get(line=line)
    assert advice.months == ["2026-07-01", "2026-08-01", "2026-09-01"]  # the last 3 rated
    assert (advice.best_plan, advice.current_total, advice.savings) == ("forfait_2h", Decimal("8.97"), Decimal("0.00"))
    assert _table(advice) == [("forfait_2h", (), True, Decimal("8.97"))]  # nothing else is cheaper than 2.99


def test_the_command_computes_it_now_and_lists_the_lines_worth_telling(
        demo_catalogue, source, usage_store, tmp_path):
    account = make_individual("Camille Martin")
    activate_line(account=account, msisdn="+33612345678", plan_code="forfait_2h", on=date(2026, 6, 1))
    for month in (date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1)):
        ingest_file(source, _month_file(tmp_path, "33612345678", month, ("data", "10", "", "", str(300 * MB), "FR")),
                    now=datetime(month.year, month.month, 28, tzinfo=UTC))
        rate_for_billing(month)
    out = StringIO()

    call_command("usage", "advice", "--msisdn", "06 12 34 56 78", stdout=out)

    text = out.getvalue()
    assert "1 lines advised (0 with too few whole months on their plan)" in text
    # 2.99 + 10.00 out of plan a month on the 2h plan; 7.99 on the 20 GB plan: 5.00 a month less.
    assert "│ +33612345678 │ forfait_2h │ forfait_20go │ 3      │ 5.00" in text
    assert "1 lines would save at least 1.00 EUR a month" in text
    with pytest.raises(CommandError, match="--months: expected 1 to 12, got 13"):
        call_command("usage", "advice", "--months", "13", stdout=StringIO())
    with pytest.raises(CommandError, match="no line in service with msisdn"):
        call_command("usage", "advice", "--msisdn", "0698765432", stdout=StringIO())
