"""Proration: pure date arithmetic over calendar days (no ORM, no money).

Periods are half-open [start, end) internally; printed periods are inclusive.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta


def parse_cycle(cycle: str) -> tuple[int, int]:
    """'2026-11' -> (2026, 11), refusing anything else."""
    try:
        year_s, month_s = cycle.split("-")
        year, month = int(year_s), int(month_s)
        if len(year_s) != 4 or len(month_s) != 2 or not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise ValueError(f"cycle {cycle!r} is not a month: expected YYYY-MM, e.g. 2026-11") from None
    return year, month


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def previous_month(day: date) -> date:
    """The first day of the month before `day`'s."""
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def cycle_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_days(first: date) -> range:
    """Ordinals of the days of the month starting at `first`."""
    start = first.toordinal()
    return range(start, start + days_in_month(first))


def covered(first: date, intervals: Iterable[tuple[date | None, date | None]]) -> set[int]:
    """The day ordinals of the month starting at `first` covered by any [start, end) interval
    (None start: since always; None end: open)."""
    month = month_days(first)
    days: set[int] = set()
    for start, end in intervals:
        lo = max(month.start, start.toordinal() if start else month.start)
        hi = min(month.stop, end.toordinal() if end else month.stop)
        if lo < hi:
            days.update(range(lo, hi))
    return days


def runs(days: Iterable[int]) -> list[tuple[date, date]]:
    """Contiguous runs of day ordinals as inclusive (first, last) dates, in order."""
    result: list[tuple[date, date]] = []
    ordered = sorted(days)
    if not ordered:
        return result
    lo = prev = ordered[0]
    for d in ordered[1:]:
        if d != prev + 1:
            result.append((date.fromordinal(lo), date.fromordinal(prev)))
            lo = d
        prev = d
    result.append((date.fromordinal(lo), date.fromordinal(prev)))
    return result


def inclusive_days(first: date, last: date) -> set[int]:
    return set(range(first.toordinal(), last.toordinal() + 1))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (end after start), counting a started month as whole."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) < end:
        months += 1
    return months


def last_day(first: date) -> date:
    return next_month(first) - timedelta(days=1)
