"""What rating takes: usage records, the tariff (the rating part of the catalogue) and the
month's allowance groups. Plain data shared by the reference rater and the Ibis engine
(docs/rating.md); `tariff_from_catalogue` and `allowance_groups` build them.
"""

from __future__ import annotations

import bisect
import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from telcobill.catalogue.loading.countries import HOME_COUNTRIES  # noqa: F401 (re-exported)

PARIS = ZoneInfo("Europe/Paris")
HOME = "home"
UNIT_SIZES = {"min": 60, "s": 1, "MB": 1_048_576, "GB": 1_073_741_824, "KB": 1024, "sms": 1, "mms": 1, "unit": 1}
BUCKET_OF_TYPE = {"voice": "voice", "sms": "sms", "mms": "mms", "data": "data", "content": "content"}


@dataclass(frozen=True, slots=True)
class Record:
    """An accepted usage record, as the store keeps it (specs/usage-records.md)."""

    source: str
    record_id: str
    line_id: int
    type: str  # voice | sms | mms | data | content
    started_at: datetime  # timezone-aware
    direction: str = "out"  # out | in
    peer: str = ""  # digits only, no "+"
    peer_kind: str = "number"  # number | short
    quantity: int = 0  # voice: duration_s; data: volume_bytes; sms/mms: 1; content: 0
    amount: Decimal | None = None  # content only: EUR incl. VAT
    country: str = "FR"
    network: str = ""

    def order_key(self) -> tuple:
        return (self.started_at, self.source, self.record_id)

    def day(self) -> date:
        return self.started_at.astimezone(PARIS).date()


@dataclass(frozen=True, slots=True)
class UsagePrice:
    valid_from: date
    unit: str
    amount: Decimal
    includes_vat: bool
    vat_rule: str


@dataclass(frozen=True, slots=True)
class SpecialNumber:
    prefix: str  # as dialled: "3179", "118712", "0899"
    kind: str  # service | premium | content | free
    name: str
    per_call: Decimal
    per_minute: Decimal
    vat_rule: str


@dataclass(frozen=True)
class Tariff:
    destination_prefixes: dict[str, str]  # E.164 prefix without "+" -> destination zone code
    home_destination: str  # the destination zone holding "33"
    roaming_countries: dict[str, str]  # ISO country -> roaming zone code (HOME_COUNTRIES not listed)
    roaming_networks: dict[str, str]  # MCC or MCC+MNC -> roaming zone code
    like_home: frozenset[str]  # roaming zones rated as home
    # (zone, bucket, direction) -> prices ascending by valid_from
    prices: dict[tuple[str, str, str], tuple[UsagePrice, ...]]
    specials: dict[str, SpecialNumber]  # prefix -> special number
    vat_rates: dict[str, tuple[tuple[date, Decimal], ...]]  # VAT rule -> (valid_from, percent) ascending
    rounding: dict[str, dict[str, tuple[int, int]]]  # plan code -> bucket -> (minimum, increment)
    standard_vat_rule: str = "standard"
    # Destination zones called from a like-home roaming zone as from home (EU/EEA numbers).
    like_home_destinations: frozenset[str] = frozenset()

    def price(self, zone: str, bucket: str, direction: str, day: date) -> UsagePrice | None:
        rows = self.prices.get((zone, bucket, direction))
        if not rows:
            return None
        index = bisect.bisect_right([p.valid_from for p in rows], day) - 1
        return rows[index] if index >= 0 else None

    def vat_rate(self, rule: str, day: date) -> Decimal:
        rows = self.vat_rates[rule]
        index = bisect.bisect_right([d for d, _ in rows], day) - 1
        if index < 0:
            raise LookupError(f"VAT rule {rule} has no rate in force on {day}")
        return rows[index][1]


@dataclass(frozen=True, slots=True)
class PlanPeriod:
    """The plan of a line over [starts_on, ends_on) (ends_on None: open)."""

    line_id: int
    plan: str
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True, slots=True)
class AllowanceGroup:
    """Included quantity a set of lines consumes together in a month, in base units (seconds,
    bytes, messages); `quantity` None is unlimited. `zones` is the zone list of docs/rating.md."""

    key: str
    bucket: str  # voice | sms | mms | data | data_eu
    zones: tuple[str, ...]
    quantity: int | None
    line_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RatedRecord:
    source: str
    record_id: str
    line_id: int
    started_at: datetime
    bucket: str
    zone: str
    special: str
    rounded: int
    included: int
    chargeable: int
    amount: Decimal  # excl. VAT, 6 places
    vat_rule: str
    section: str  # communications | third_party
    charge: str


def months_back(month_first: date, count: int) -> date:
    """The first day of the month `count` months before (after, when negative)."""
    index = month_first.year * 12 + month_first.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(month_first: date) -> tuple[date, date]:
    """[first day, first day of the next month)."""
    days = calendar.monthrange(month_first.year, month_first.month)[1]
    end = date(month_first.year + (month_first.month == 12), month_first.month % 12 + 1, 1)
    assert (end - month_first).days == days
    return month_first, end
