"""Proration is pure date arithmetic: tables of calendar cases, and properties."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcobill.billing import proration


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 15), 31), (date(2026, 2, 1), 28), (date(2028, 2, 10), 29), (date(2100, 2, 1), 28),
    (date(2000, 2, 1), 29), (date(2026, 4, 30), 30), (date(2026, 12, 31), 31),
])
def test_days_in_month_follow_the_calendar(day, expected):
    assert proration.days_in_month(day) == expected


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 11, 16), 14, date(2028, 1, 16)), (date(2026, 12, 1), 1, date(2027, 1, 1)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)), (date(2026, 1, 1), 24, date(2028, 1, 1)),
])
def test_adding_months_clamps_to_the_last_day(start, months, expected):
    assert proration.add_months(start, months) == expected


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2026, 11, 16), date(2028, 1, 1), 14), (date(2026, 11, 16), date(2027, 1, 1), 2),
    (date(2026, 1, 1), date(2027, 1, 1), 12), (date(2026, 1, 1), date(2026, 1, 2), 1),
    (date(2026, 1, 1), date(2026, 1, 1), 0), (date(2026, 5, 1), date(2026, 4, 1), 0),
])
def test_months_between_counts_a_started_month_as_whole(start, end, expected):
    assert proration.months_between(start, end) == expected


@pytest.mark.parametrize(("first", "intervals", "expected"), [
    # activation mid-month, open end
    (date(2026, 11, 1), [(date(2026, 11, 10), None)], [(date(2026, 11, 10), date(2026, 11, 30))]),
    # termination: service until the 15th (end exclusive the 16th)
    (date(2026, 11, 1), [(None, date(2026, 11, 16))], [(date(2026, 11, 1), date(2026, 11, 15))]),
    # an option on for a few days twice in the month
    (date(2026, 2, 1), [(date(2026, 2, 3), date(2026, 2, 6)), (date(2026, 2, 20), date(2026, 3, 9))],
     [(date(2026, 2, 3), date(2026, 2, 5)), (date(2026, 2, 20), date(2026, 2, 28))]),
    # leap February, whole month
    (date(2028, 2, 1), [(date(2027, 5, 1), None)], [(date(2028, 2, 1), date(2028, 2, 29))]),
    # nothing in the month
    (date(2026, 11, 1), [(date(2026, 12, 1), None)], []),
])
def test_covered_days_come_back_as_runs(first, intervals, expected):
    assert proration.runs(proration.covered(first, intervals)) == expected


def test_a_cycle_must_be_a_month():
    assert proration.parse_cycle("2026-11") == (2026, 11)
    for bad in ("2026-13", "2026-1", "26-11", "november", "2026/11"):
        with pytest.raises(ValueError, match="expected YYYY-MM"):
            proration.parse_cycle(bad)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@given(days, days, days)
def test_splitting_an_interval_splits_its_days(a, b, c):
    lo, mid, hi = sorted((a, b, c))
    first = date(mid.year, mid.month, 1)
    whole = proration.covered(first, [(lo, hi)])
    parts = proration.covered(first, [(lo, mid)]) | proration.covered(first, [(mid, hi)])
    assert whole == parts
    assert proration.covered(first, [(lo, mid)]).isdisjoint(proration.covered(first, [(mid, hi)]))


@given(days)
def test_a_month_is_its_days(day):
    first = date(day.year, day.month, 1)
    covered = proration.covered(first, [(None, None)])
    assert len(covered) == proration.days_in_month(first)
    assert proration.runs(covered) == [(first, proration.last_day(first))]
    assert proration.next_month(first) == date.fromordinal(max(covered) + 1)
    assert proration.previous_month(proration.next_month(first)) == first
