"""Hypothesis strategies for rating (docs/rating.md): a random but consistent rating problem.

Plain data only (no Django, no database): a small tariff, a few lines with their plans and
options, the month's allowance groups built by `allowances.allowance_groups` from those
subscriptions, and 0-60 records of the month. Money has at most 6 decimals, VAT rates at most 2.

    @given(rating_problems())
    def test_something(problem):
        records, tariff, plans, groups, month_first = problem
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

from hypothesis import strategies as st

from telcobill.usage.rating.allowances import AllowanceRow, Subscribed, allowance_groups
from telcobill.usage.rating.inputs import PARIS, PlanPeriod, Record, SpecialNumber, Tariff, UsagePrice, month_bounds

STANDARD, REDUCED = "standard", "reduced"
VAT_RULES = (STANDARD, REDUCED)
LONG_AGO = date(2024, 1, 1)
HOME_DESTINATION = "dest_home"
DESTINATIONS = (HOME_DESTINATION, "dest_near", "dest_far", "dest_world")
# Roaming zones: code -> (countries, networks). "roam_eu" is always like home; "roam_near" may be.
ROAMING = {
    "roam_eu": (("IT", "ES", "DE", "PT"), ("22201",)),
    "roam_near": (("CH", "GB"), ()),
    "roam_far": (("US", "MA", "JP"), ("310",)),
    "roam_sea": ((), ("901",)),  # ships and planes, whatever the country says
    "roam_air": ((), ("90114",)),  # a longer network prefix inside 901
}
# (country, network) where a record can be: unlisted networks fall back to the country.
WHERE = (
    ("FR", ""), ("", ""), ("FR", "20801"), ("IT", ""), ("IT", "22201"), ("IT", "22288"), ("ES", "21401"),
    ("GP", ""), ("PT", ""), ("CH", ""), ("GB", "23410"), ("US", ""), ("US", "31026"), ("MA", ""), ("JP", "44010"),
    ("FR", "90112"), ("GR", "90112"), ("FR", "90114"), ("IT", "901145"), ("FR", "31026"),
)
# Special numbers as dialled, nested on purpose ("118" and "118712"; "08" and "0899").
SPECIAL_PREFIXES = ("3179", "118", "118712", "36180", "0899", "08", "81212", "3200")
SPECIAL_KINDS = ("service", "premium", "content", "free")
SHORT_CODES = ("3179", "118712", "118218", "1187", "36180", "81212", "81299", "3200", "0899123", "4040", "15")
PLANS = ("plan_a", "plan_b", "plan_c")
OPTIONS = ("option_x", "option_y")
PRICE_UNITS = {"voice": "min", "sms": "sms", "mms": "mms", "data": "MB", "data_eu": "MB"}
ALLOWANCE_UNITS = {"voice": ("min",), "sms": ("sms",), "mms": ("mms",), "data": ("MB", "GB"),
                   "data_eu": ("MB", "GB")}
GB = 1_073_741_824


def decimals(places: int, high: int) -> st.SearchStrategy[Decimal]:
    """Decimals from 0 to `high` units with at most `places` decimals."""
    return st.integers(0, high * 10**places).map(lambda n: Decimal(n).scaleb(-places))


def money(high: int) -> st.SearchStrategy[Decimal]:
    nice = st.sampled_from([Decimal("0"), Decimal("0.05"), Decimal("0.19"), Decimal("0.99"), Decimal("1.19"),
                            Decimal("0.001289"), Decimal("2.99"), Decimal("9.99")])
    return st.one_of(nice, decimals(6, high))


# Built once: a strategy built inside a draw is validated again at every draw (slow).
PRICE_AMOUNTS, SURCHARGES, CONTENT_AMOUNTS = money(5), money(3), money(20)
VAT_RATES = st.one_of(st.sampled_from([Decimal("20.00"), Decimal("5.50"), Decimal("10.00"), Decimal("0.00")]),
                      decimals(2, 30))
ANY_VAT_RULE = st.sampled_from(VAT_RULES)
MOSTLY = st.sampled_from([True, True, True, False])


def day_in(month_first: date, days: int) -> st.SearchStrategy[date]:
    """A day after the first of the month: the date a dated row or a subscription change takes effect."""
    return st.integers(1, days - 1).map(lambda n: month_first + timedelta(days=n))


def dated_rows(month_first: date, days: int) -> st.SearchStrategy[list[date]]:
    """1 or 2 ascending dates: the first long ago or inside the month (then nothing is in force
    before it), maybe a change inside the month."""
    first = st.one_of(st.just(LONG_AGO), st.just(month_first), day_in(month_first, days))
    return st.tuples(first, st.lists(day_in(month_first, days), max_size=1)).map(
        lambda t: sorted({t[0], *(d for d in t[1] if d > t[0])}))


@st.composite
def destination_prefixes(draw) -> dict[str, str]:
    """Home holds "33" (and maybe overseas prefixes); other zones get 1-4 digit prefixes; the rest
    of the world takes every first digit left, so that every number is in a zone."""
    prefixes = {"33": HOME_DESTINATION}
    for code in draw(st.sampled_from([(), ("590",), ("590", "262")])):
        prefixes[code] = HOME_DESTINATION
    for zone in ("dest_near", "dest_far"):
        for prefix in draw(RANDOM_PREFIXES):
            prefixes.setdefault(prefix, zone)
    for digit in "123456789":
        prefixes.setdefault(digit, "dest_world")
    return prefixes


RANDOM_PREFIXES = st.lists(st.tuples(st.sampled_from("123456789"), st.text("0123456789", max_size=3)).map("".join),
                           min_size=1, max_size=3)


@st.composite
def tariffs(draw, month_first: date) -> Tariff:
    days = (month_bounds(month_first)[1] - month_first).days
    dates = dated_rows(month_first, days)
    like_home = frozenset({"roam_eu"} | ({"roam_near"} if draw(st.booleans()) else set()))
    keys = [(zone, bucket, "out") for zone in DESTINATIONS for bucket in ("voice", "sms", "mms")]
    keys.append((HOME_DESTINATION, "data", "out"))
    for zone in ROAMING:
        keys += [(zone, bucket, "out") for bucket in ("voice", "sms", "mms", "data", "data_eu")]
        keys.append((zone, "voice", "in"))
    prices = {}
    for zone, bucket, direction in keys:
        # Mostly a price; sometimes none at all (the catalogue check reports such gaps).
        if draw(MOSTLY):
            prices[(zone, bucket, direction)] = tuple(
                UsagePrice(valid_from, PRICE_UNITS[bucket], draw(PRICE_AMOUNTS), draw(st.booleans()),
                           draw(ANY_VAT_RULE))
                for valid_from in draw(dates))
    specials = {}
    for prefix in draw(st.lists(st.sampled_from(SPECIAL_PREFIXES), unique=True, max_size=len(SPECIAL_PREFIXES))):
        specials[prefix] = SpecialNumber(prefix, draw(st.sampled_from(SPECIAL_KINDS)), f"service {prefix}",
                                         draw(SURCHARGES), draw(SURCHARGES), draw(ANY_VAT_RULE))
    vat_rates = {}
    for rule in VAT_RULES:
        rows = [(date(2014, 1, 1), draw(VAT_RATES))]
        if draw(st.booleans()):
            rows.append((draw(day_in(month_first, days)), draw(VAT_RATES)))
        vat_rates[rule] = tuple(rows)
    rounding = {plan: draw(plan_rounding()) for plan in PLANS}
    return Tariff(
        destination_prefixes=draw(destination_prefixes()), home_destination=HOME_DESTINATION,
        roaming_countries={c: zone for zone, (countries, _) in ROAMING.items() for c in countries},
        roaming_networks={n: zone for zone, (_, networks) in ROAMING.items() for n in networks},
        like_home=like_home, prices=prices, specials=specials, vat_rates=vat_rates, rounding=rounding,
        like_home_destinations=draw(st.sets(st.sampled_from(DESTINATIONS[1:]), max_size=2)))


ROUNDING_RULES = {
    "voice": st.one_of(st.sampled_from([(1, 1), (60, 60), (30, 1), (60, 1)]),
                       st.tuples(st.integers(1, 120), st.integers(1, 90))),
    "data": st.one_of(st.sampled_from([(1, 1), (1024, 1024), (1_048_576, 1024), (10240, 10240)]),
                      st.tuples(st.integers(1, 2_000_000), st.integers(1, 100_000))),
    # SMS and MMS count 1 whatever their rule says.
    "sms": st.just((2, 2)),
}


@st.composite
def plan_rounding(draw) -> dict[str, tuple[int, int]]:
    return {bucket: draw(rule) for bucket, rule in ROUNDING_RULES.items() if draw(st.booleans())}


def zone_lists(bucket: str) -> st.SearchStrategy[list[tuple[str, ...]]]:
    """0-2 zone lists: empty (home and like home), destination zones (voice / SMS / MMS only) or
    roaming zones."""
    roaming = st.lists(st.sampled_from(sorted(ROAMING)), min_size=1, max_size=3, unique=True)
    lists = [st.just([]), roaming]
    if bucket in ("voice", "sms", "mms"):
        lists.append(st.lists(st.sampled_from(DESTINATIONS), min_size=1, max_size=2, unique=True))
    return st.lists(st.one_of(lists).map(lambda zones: tuple(sorted(zones))), unique=True, max_size=2)


ZONE_LISTS = {bucket: zone_lists(bucket) for bucket in ALLOWANCE_UNITS}
# Allowance quantities in their unit: unlimited, or up to a size that records often exceed.
QUANTITIES = {unit: st.one_of(st.none(), decimals(3, high), st.integers(0, high).map(Decimal))
              for unit, high in {"min": 180, "sms": 10, "mms": 3, "MB": 3000, "GB": 60}.items()}
SCOPES = st.sampled_from(["line", "line", "pool"])


@st.composite
def allowance_rows(draw, buckets: tuple[str, ...]) -> tuple[AllowanceRow, ...]:
    rows = []
    for bucket in buckets:
        for zones in draw(ZONE_LISTS[bucket]):
            unit = draw(st.sampled_from(ALLOWANCE_UNITS[bucket]))
            rows.append(AllowanceRow(LONG_AGO, bucket, draw(QUANTITIES[unit]), unit, draw(SCOPES), zones))
    return tuple(rows)


@st.composite
def subscriptions(draw, line_id: int, month_first: date, days: int) -> list[Subscribed]:
    change = draw(day_in(month_first, days))
    first, second = draw(st.lists(st.sampled_from(PLANS), min_size=2, max_size=2, unique=True))
    shape = draw(st.sampled_from(["whole", "whole", "change", "late", "ended"]))
    subscribed = {
        "whole": [Subscribed(line_id, first, "plan", LONG_AGO, None)],
        "change": [Subscribed(line_id, first, "plan", LONG_AGO, change),
                   Subscribed(line_id, second, "plan", change, None)],
        "late": [Subscribed(line_id, first, "plan", change, None)],
        "ended": [Subscribed(line_id, first, "plan", LONG_AGO, change)],
    }[shape]
    for option in draw(st.lists(st.sampled_from(OPTIONS), unique=True, max_size=2)):
        starts, ends = draw(st.sampled_from([(LONG_AGO, None), (change, None), (LONG_AGO, change)]))
        subscribed.append(Subscribed(line_id, option, "option", starts, ends))
    return subscribed


RECORD_QUANTITIES = {
    "voice": st.one_of(st.just(0), st.integers(1, 200), st.integers(1, 10_800)),
    "sms": st.just(1), "mms": st.just(1), "content": st.just(0),
    "data": st.one_of(st.just(0), st.integers(1, 5000), st.integers(1, 50 * GB)),
}
RECORD_TYPES = st.sampled_from(["voice", "voice", "sms", "mms", "data", "data", "content"])
SOURCES = st.sampled_from(["mediation", "roaming_hub"])
PLACES = st.sampled_from(WHERE)
# The same instant written with different offsets: ordering is by instant.
OFFSETS = st.sampled_from([UTC, PARIS, timezone(timedelta(hours=-5))])
SHORT_PEERS = st.sampled_from(SHORT_CODES).map(lambda code: (code, "short"))


@st.composite
def records_of(draw, month_first: date, tariff: Tariff, line_ids: list[int]) -> list[Record]:
    first, end = month_bounds(month_first)
    start = datetime.combine(first, time(), PARIS).astimezone(UTC)
    seconds = int((datetime.combine(end, time(), PARIS).astimezone(UTC) - start).total_seconds())
    # A small pool of instants: records often start at the same second, and are then ordered by
    # source and record_id.
    instants = draw(st.lists(st.integers(0, seconds - 1), min_size=1, max_size=40))
    count = draw(st.integers(0, 60))
    ids = draw(st.lists(st.text("0123456789abz", min_size=1, max_size=5), unique=True, min_size=count,
                        max_size=count))
    peers = st.one_of(number_peers(tariff).map(lambda number: (number, "number")), SHORT_PEERS)
    lines, moments = st.sampled_from(line_ids), st.sampled_from(instants)
    records = []
    for record_id in ids:
        kind = draw(RECORD_TYPES)
        direction = draw(st.sampled_from(["out", "out", "in"])) if kind in ("voice", "sms", "mms") else "out"
        peer, peer_kind = ("", "number") if kind == "data" else draw(peers)
        country, network = draw(PLACES)
        started_at = start + timedelta(seconds=draw(moments))
        records.append(Record(
            source=draw(SOURCES), record_id=record_id, line_id=draw(lines), type=kind,
            started_at=started_at.astimezone(draw(OFFSETS)), direction=direction, peer=peer, peer_kind=peer_kind,
            quantity=draw(RECORD_QUANTITIES[kind]), amount=draw(CONTENT_AMOUNTS) if kind == "content" else None,
            country=country, network=network))
    return records


def number_peers(tariff: Tariff) -> st.SearchStrategy[str]:
    """International numbers: a listed prefix and a few digits, or a French special number
    written "33" + its national form without the 0 ("33899...")."""
    prefixes = sorted(tariff.destination_prefixes)
    national = sorted("33" + p[1:] for p in SPECIAL_PREFIXES if p.startswith("0"))
    tail = st.text("0123456789", min_size=2, max_size=9)
    return st.tuples(st.sampled_from(prefixes + national), tail).map("".join)


@st.composite
def rating_problems(draw):
    """(records, tariff, plans, groups, month_first): one month of usage for a few lines."""
    month_first = draw(st.builds(date, st.integers(2025, 2026), st.integers(1, 12), st.just(1)))
    days = (month_bounds(month_first)[1] - month_first).days
    tariff = draw(tariffs(month_first))
    products = {code: draw(allowance_rows(("voice", "sms", "mms", "data", "data_eu"))) for code in PLANS}
    products.update({code: draw(allowance_rows(("voice", "sms", "data"))) for code in OPTIONS})
    line_ids = list(range(1, draw(st.integers(1, 4)) + 1))
    # Two customers at most, so that pooled rows are shared by several lines.
    customer_of = {line_id: draw(st.sampled_from([100, 200])) for line_id in line_ids}
    subscribed = [s for line_id in line_ids for s in draw(subscriptions(line_id, month_first, days))]
    plans = [PlanPeriod(s.line_id, s.product, s.starts_on, s.ends_on) for s in subscribed if s.kind == "plan"]
    policy = draw(st.sampled_from(["prorated", "highest"]))
    groups = allowance_groups(month_first, subscribed, products, customer_of, policy)
    records = draw(records_of(month_first, tariff, line_ids))
    return records, tariff, plans, groups, month_first
