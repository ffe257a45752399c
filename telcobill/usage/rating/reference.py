"""The reference rater: docs/rating.md written out record by record, in plain Python.

Slow and obvious on purpose. It is the specification in code: the Ibis engine (`rating.engine`)
is compared with it by property tests, to the micro-euro. Where the document leaves a choice
open, the reading taken is written next to the code, starting with "Reading:".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .catalogue import HOME_COUNTRY_CODE
from .inputs import (
    BUCKET_OF_TYPE,
    HOME,
    HOME_COUNTRIES,
    UNIT_SIZES,
    AllowanceGroup,
    PlanPeriod,
    RatedRecord,
    Record,
    SpecialNumber,
    Tariff,
    UsagePrice,
)

COMMUNICATIONS = "communications"
THIRD_PARTY = "third_party"
SIX_PLACES = Decimal("0.000001")


def rate(records: Iterable[Record], tariff: Tariff, plans: Sequence[PlanPeriod],
         groups: Sequence[AllowanceGroup]) -> list[RatedRecord]:
    """Rate a month's records: one rated record per record, in the order (started_at, source,
    record_id), which is also the order allowances are consumed in (docs/rating.md)."""
    used: dict[str, int] = defaultdict(int)  # group key -> rounded quantity counted so far
    return [_rate_record(record, tariff, plans, groups, used) for record in sorted(records, key=Record.order_key)]


def charges(rated: Iterable[RatedRecord]) -> dict[tuple[int, str], tuple[int, int, Decimal]]:
    """(line, charge) -> (sum of rounded, sum of chargeable, sum of amounts excl. VAT)."""
    totals: dict[tuple[int, str], tuple[int, int, Decimal]] = {}
    for r in rated:
        rounded, chargeable, amount = totals.get((r.line_id, r.charge), (0, 0, Decimal("0.000000")))
        totals[(r.line_id, r.charge)] = (rounded + r.rounded, chargeable + r.chargeable, amount + r.amount)
    return totals


# --- 1. Classification ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Usage:
    """What classification finds out about a record."""

    bucket: str  # voice | sms | mms | data | content
    incoming: bool  # an incoming voice / SMS / MMS record
    zone: str  # the roaming zone code, HOME at home
    as_home: bool  # at home or in a like-home roaming zone
    destination: str  # outgoing voice / SMS / MMS only: the destination zone, "" otherwise
    special: SpecialNumber | None


def classify(record: Record, tariff: Tariff) -> Usage:
    bucket = BUCKET_OF_TYPE[record.type]
    zone = roaming_zone(record, tariff)
    as_home = zone == HOME or zone in tariff.like_home
    # Reading: `direction` only means something for voice / SMS / MMS (the "in" row of the table);
    # a data or content record is rated the same whatever its direction.
    incoming = record.direction == "in" and bucket in ("voice", "sms", "mms")
    special, destination = None, ""
    if bucket == "content":
        special = special_number(record, tariff)
    elif bucket != "data" and not incoming:
        # Reading: special numbers are looked for on outgoing records only; an incoming call or
        # SMS from a short code is an ordinary incoming record (no surcharge, `{bucket}_in`).
        special = special_number(record, tariff)
        if special is not None or record.peer_kind == "short":
            # A special number is rated as a call to the home destination, and so is an unlisted
            # short code (short codes are never matched against country prefixes).
            destination = tariff.home_destination
        else:
            destination = destination_zone(record.peer, tariff)
            if zone in tariff.like_home and destination in tariff.like_home_destinations:
                # Roaming like at home, a call to a number of the zone is a call home.
                destination = tariff.home_destination
    return Usage(bucket, incoming, zone, as_home, destination, special)


def longest_prefix(text: str, prefixes: Iterable[str]) -> str | None:
    matches = [p for p in prefixes if text.startswith(p)]
    return max(matches, key=len) if matches else None


def roaming_zone(record: Record, tariff: Tariff) -> str:
    """A listed network wins (longest prefix); otherwise the country; France, an overseas
    department or no country is home."""
    if record.network:
        network = longest_prefix(record.network, tariff.roaming_networks)
        if network is not None:
            return tariff.roaming_networks[network]
    if record.country in HOME_COUNTRIES or not record.country:
        return HOME
    if record.country not in tariff.roaming_countries:
        # Refused at ingestion: the rater is never given such a record.
        raise LookupError(f"record {record.source}/{record.record_id}: country {record.country} is in no zone")
    return tariff.roaming_countries[record.country]


def destination_zone(peer: str, tariff: Tariff) -> str:
    prefix = longest_prefix(peer, tariff.destination_prefixes)
    if prefix is None:
        raise LookupError(f"peer {peer!r} is in no destination zone")  # refused at ingestion
    return tariff.destination_prefixes[prefix]


def special_number(record: Record, tariff: Tariff) -> SpecialNumber | None:
    """The special number with the longest prefix of the short code as dialled, or of the national
    form ("0" + the digits after "33") of a French number."""
    if record.peer_kind == "short":
        dialled = record.peer
    elif record.peer.startswith(HOME_COUNTRY_CODE):
        dialled = "0" + record.peer[len(HOME_COUNTRY_CODE):]
    else:
        return None
    prefix = longest_prefix(dialled, tariff.specials)
    return None if prefix is None else tariff.specials[prefix]


# --- 2. Quantity and rounding --------------------------------------------------------------------

def plan_on(line_id: int, day: date, plans: Sequence[PlanPeriod]) -> str | None:
    in_force = [p for p in plans
                if p.line_id == line_id and p.starts_on <= day and (p.ends_on is None or day < p.ends_on)]
    # Reading: plan periods of a line do not overlap; if they ever did, the latest start wins.
    return max(in_force, key=lambda p: p.starts_on).plan if in_force else None


def rounded_quantity(quantity: int, minimum: int, increment: int) -> int:
    if quantity == 0:
        return 0
    return max(minimum, -(-quantity // increment) * increment)


def rounded(record: Record, bucket: str, tariff: Tariff, plans: Sequence[PlanPeriod]) -> int:
    if bucket in ("sms", "mms"):
        # Reading: "SMS and MMS count 1" whatever the record's quantity and any rounding rule.
        return 1
    plan = plan_on(record.line_id, record.day(), plans)
    # No plan that day, or no rule for the bucket: to the unit (minimum 1, increment 1).
    minimum, increment = tariff.rounding.get(plan, {}).get(bucket, (1, 1)) if plan else (1, 1)
    return rounded_quantity(record.quantity, minimum, increment)


# --- 3. Allowances ----------------------------------------------------------------------------------

def covers(group: AllowanceGroup, usage: Usage, tariff: Tariff) -> bool:
    if not group.zones:
        # Usage at home or roaming like home, to the home destination (data has no destination).
        return usage.as_home and usage.destination in ("", tariff.home_destination)
    # Zone codes are unique across kinds, so a list names roaming zones (any usage while there)
    # or destination zones (calls from home or like home to them), never a mix that could clash.
    return usage.zone in group.zones or (usage.as_home and usage.destination in group.zones)


def eligible_group(groups: Sequence[AllowanceGroup], line_id: int, bucket: str, usage: Usage,
                   tariff: Tariff) -> AllowanceGroup | None:
    """The group of the bucket the record consumes from: fewest zones, then smallest key."""
    # Reading: the document's "smallest code" is the group key; membership is `line_ids`.
    candidates = [g for g in groups if g.bucket == bucket and line_id in g.line_ids and covers(g, usage, tariff)]
    return min(candidates, key=lambda g: (len(g.zones), g.key), default=None)


def consume(group: AllowanceGroup, quantity: int, used: dict[str, int]) -> int:
    """The included part of `quantity`, counting it against the group."""
    if group.quantity is None:
        return quantity
    included = min(quantity, max(0, group.quantity - used[group.key]))
    used[group.key] += quantity
    return included


# --- 4. Prices and charges --------------------------------------------------------------------------

def half_up(n: int, d: int) -> int:
    assert n >= 0 and d > 0
    return (2 * n + d) // (2 * d)


def _scaled(value: Decimal, scale: int, what: str) -> int:
    scaled = value * scale
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{what} {value} has too many decimals")
    return int(scaled)


def micros(amount: Decimal) -> int:
    return _scaled(amount, 1_000_000, "amount")


def basis_points(tariff: Tariff, rule: str, day: date) -> int:
    return _scaled(tariff.vat_rate(rule, day), 100, "VAT rate")


def part_micros(quantity: int, price: UsagePrice | None, tariff: Tariff, day: date) -> int:
    """A part of `quantity` base units at `price`, excl. VAT (free when no price is in force)."""
    if price is None or quantity == 0:
        return 0
    p, u = micros(price.amount), UNIT_SIZES[price.unit]
    if price.includes_vat:
        return half_up(quantity * p * 10000, u * (10000 + basis_points(tariff, price.vat_rule, day)))
    return half_up(quantity * p, u)


def surcharge_micros(special: SpecialNumber, seconds: int, tariff: Tariff, day: date) -> int:
    """`per_call` once, `per_minute` per rounded second ÷ 60, both VAT included."""
    b = basis_points(tariff, special.vat_rule, day)
    n = (micros(special.per_call) * 60 + micros(special.per_minute) * seconds) * 10000
    return half_up(n, 60 * (10000 + b))


def vat_rule_of(parts: list[tuple[int, UsagePrice | None]], tariff: Tariff) -> str:
    """The VAT rule of the first part that is priced (the data group's part comes first)."""
    # Reading: a price is "used" when it prices a non-empty part; a record with nothing
    # chargeable, or whose chargeable part has no price in force, takes the standard rule.
    for quantity, price in parts:
        if quantity > 0 and price is not None:
            return price.vat_rule
    return tariff.standard_vat_rule


@dataclass(frozen=True, slots=True)
class _Priced:
    included: int
    chargeable: int
    micros: int
    vat_rule: str
    section: str
    charge: str


def _rate_record(record: Record, tariff: Tariff, plans: Sequence[PlanPeriod], groups: Sequence[AllowanceGroup],
                 used: dict[str, int]) -> RatedRecord:
    usage = classify(record, tariff)
    r = rounded(record, usage.bucket, tariff, plans)
    if usage.bucket == "content":
        priced = _content(record, usage, r, tariff)
    elif usage.incoming:
        priced = _incoming(record, usage, r, tariff)
    elif usage.bucket == "data" and usage.zone != HOME and usage.as_home:
        priced = _data_like_home(record, usage, r, tariff, groups, used)
    else:
        priced = _outgoing(record, usage, r, tariff, groups, used)
    amount = Decimal(priced.micros).scaleb(-6).quantize(SIX_PLACES)
    return RatedRecord(
        source=record.source, record_id=record.record_id, line_id=record.line_id, started_at=record.started_at,
        bucket=usage.bucket, zone=usage.zone, special=usage.special.prefix if usage.special else "",
        rounded=r, included=priced.included, chargeable=priced.chargeable, amount=amount,
        vat_rule=priced.vat_rule, section=priced.section, charge=priced.charge)


def _content(record: Record, usage: Usage, r: int, tariff: Tariff) -> _Priced:
    """A third-party purchase: its amount incl. VAT, with the special number's VAT rule."""
    special = usage.special
    rule = special.vat_rule if special else tariff.standard_vat_rule
    b = basis_points(tariff, rule, record.day())
    amount = half_up(micros(record.amount or Decimal(0)) * 10000, 10000 + b)
    # Reading: a content record's rounded quantity is its quantity (0 per the record format),
    # nothing is included, so chargeable = rounded.
    return _Priced(0, r, amount, rule, THIRD_PARTY, f"content:{special.prefix if special else record.peer}")


def _incoming(record: Record, usage: Usage, r: int, tariff: Tariff) -> _Priced:
    """Free at home and like home; elsewhere the roaming zone's `in` price when it has one."""
    # Reading: "has one" means a price in force on the record's day; none (yet): free.
    price = None if usage.as_home else tariff.price(usage.zone, usage.bucket, "in", record.day())
    chargeable = r if price is not None else 0
    return _Priced(0, chargeable, part_micros(chargeable, price, tariff, record.day()),
                   vat_rule_of([(chargeable, price)], tariff), COMMUNICATIONS, f"{usage.bucket}_in:{usage.zone}")


def _outgoing(record: Record, usage: Usage, r: int, tariff: Tariff, groups: Sequence[AllowanceGroup],
              used: dict[str, int]) -> _Priced:
    """Voice / SMS / MMS out (special numbers included), and data at home or outside like home."""
    day = record.day()
    group = eligible_group(groups, record.line_id, usage.bucket, usage, tariff)
    included = consume(group, r, used) if group else 0
    chargeable = r - included
    if usage.bucket == "data":
        price_zone = tariff.home_destination if usage.zone == HOME else usage.zone
    else:
        # From home or like home: the destination zone's price; from elsewhere: the roaming zone's.
        # A special number is rated as a call to the home destination in both cases.
        price_zone = usage.destination if usage.as_home else usage.zone
    price = tariff.price(price_zone, usage.bucket, "out", day)
    amount = part_micros(chargeable, price, tariff, day)
    special = usage.special
    if special is None:
        return _Priced(included, chargeable, amount, vat_rule_of([(chargeable, price)], tariff), COMMUNICATIONS,
                       f"{usage.bucket}:{price_zone}")
    # A special number's surcharge is due whatever the allowance says. Reading: `per_minute` is
    # "per rounded second ÷ 60", and an SMS / MMS has no seconds: it pays `per_call` only (r = 1
    # is a message, not a second).
    amount += surcharge_micros(special, r if usage.bucket == "voice" else 0, tariff, day)
    section = THIRD_PARTY if special.kind == "content" else COMMUNICATIONS
    return _Priced(included, chargeable, amount, special.vat_rule, section, f"special:{special.prefix}")


def _data_like_home(record: Record, usage: Usage, r: int, tariff: Tariff, groups: Sequence[AllowanceGroup],
                    used: dict[str, int]) -> _Priced:
    """Data roaming like home: the data group, and the EU fair-use limit (data_eu) inside it."""
    day = record.day()
    group = eligible_group(groups, record.line_id, "data", usage, tariff)
    included = consume(group, r, used) if group else 0
    beyond_data = r - included
    # Reading: the line's data_eu group is chosen like any group (line_ids, zone list, fewest
    # zones then key); with no data_eu group there is no EU limit.
    eu_group = eligible_group(groups, record.line_id, "data_eu", usage, tariff)
    beyond_eu = r - consume(eu_group, r, used) if eu_group else 0
    # Both parts are the end of the record's quantity: the larger one holds the smaller.
    parts = [
        (beyond_data, tariff.price(tariff.home_destination, "data", "out", day)),
        (max(0, beyond_eu - beyond_data), tariff.price(usage.zone, "data_eu", "out", day)),
    ]
    amount = sum(part_micros(quantity, price, tariff, day) for quantity, price in parts)
    return _Priced(included, max(beyond_data, beyond_eu), amount, vat_rule_of(parts, tariff), COMMUNICATIONS,
                   f"data_eu:{usage.zone}")
