"""Reading the catalogue's rules: VAT, rounding, zones with their out-of-plan prices,
special numbers and the change policy. Each reader returns a spec, or None when it reported a problem."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ..models import Bucket
from . import spec as s
from .context import Context
from .countries import COUNTRY_CODES, HOME_COUNTRIES
from .fields import (
    BAD,
    Reader,
    Refused,
    Table,
    amount,
    boolean,
    choice,
    code,
    decimal,
    digits,
    integer,
    iso_date,
    text,
)

BUCKETS = tuple(Bucket.values)
VAT_RULE_REF = "the code of a VAT rule of this file"
rate = decimal("a rate in percent like 20 or 5.5 (0 to 100, at most 2 decimals)", places=2, high=Decimal(100))
surcharge = decimal('a decimal amount like "0.80" (0 to 9999, at most 6 decimals)', places=6,
                    high=Decimal("9999.999999"))
prefix = digits(1, 8, 'a prefix of 1 to 8 digits as dialled after "+", like "33"')


def _country(value: object) -> str:
    if not isinstance(value, str) or value not in COUNTRY_CODES:
        raise Refused
    return value


country = Reader('an ISO 3166 alpha-2 country code in capitals, like "FR"', _country)
_NETWORK = re.compile(r"[0-9]{3}|[0-9]{5,6}")


def _network(value: object) -> str:
    if not isinstance(value, str) or not _NETWORK.fullmatch(value):
        raise Refused
    return value


network = Reader('a network code: an MCC of 3 digits like "901", or MCC+MNC of 5-6 digits like "20801"',
                 _network)
_VATEX = re.compile(r"VATEX-[A-Z]{2}-[A-Z0-9-]{1,20}")


def _vatex(value: object) -> str:
    if not isinstance(value, str) or not _VATEX.fullmatch(value):
        raise Refused
    return value


vatex = Reader('a VATEX code like "VATEX-EU-O"', _vatex)


def ascending(ctx: Context, rows: list[tuple[str, object]]) -> None:
    """Dated rows must be in ascending valid_from order, one per date."""
    previous: date | None = None
    for path, day in rows:
        if not isinstance(day, date):
            continue
        if previous is not None and day <= previous:
            ctx.p.expected(path, f"a date after {previous.isoformat()} (rows in ascending order, one per date)",
                           day)
        else:
            previous = day


def ok(*values: object) -> bool:
    return all(v is not BAD for v in values)


def read_vat_rule(ctx: Context, path: str, raw: object) -> s.VatRuleSpec | None:
    t = Table(ctx.p, path, raw, ("code", "category", "name", "exemption_reason", "exemption_code", "rates"))
    rule_code = t.get("code", code(30))
    if rule_code is not BAD:
        ctx.declare("vat_rule", rule_code, t.at("code"), "a VAT rule code used once")
    category = t.get("category", choice(s.VAT_CATEGORIES))
    name = t.get("name", text(100))
    reason = t.get("exemption_reason", text(200), default="")
    exemption_code = t.get("exemption_code", vatex, default="")
    if category in s.NEEDS_EXEMPTION_REASON and reason == "":
        ctx.p.expected(t.at("exemption_reason"), f"an exemption reason for category {category} "
                       "(printed on the invoice)", t.raw("exemption_reason"))
        reason = BAD
    if category in ("S", "Z") and reason:
        ctx.p.expected(t.at("exemption_reason"), f"no exemption reason for category {category}", reason)
        reason = BAD
    rates, dates = [], []
    for rpath, row in t.items("rates", required=True, min_items=1,
                              what="a list of dated rates like [{ valid_from = 2014-01-01, rate = 20 }]"):
        r = Table(ctx.p, rpath, row, ("valid_from", "rate"))
        valid_from, percent = r.get("valid_from", iso_date), r.get("rate", rate)
        dates.append((r.at("valid_from"), valid_from))
        if category == "S" and percent is not BAD and percent <= 0:
            ctx.p.expected(r.at("rate"), "a rate above 0 for category S", percent)
            percent = BAD
        elif category not in ("S", BAD) and percent is not BAD and percent != 0:
            ctx.p.expected(r.at("rate"), f"a rate of 0 for category {category}", percent)
            percent = BAD
        if ok(valid_from, percent):
            rates.append(s.VatRateSpec(valid_from, percent))
    ascending(ctx, dates)
    if not ok(rule_code, category, name, reason, exemption_code) or len(rates) != len(dates) or not rates:
        return None
    return s.VatRuleSpec(rule_code, category, name, reason, exemption_code, tuple(rates))


def read_rounding_rule(ctx: Context, path: str, raw: object) -> s.RoundingRuleSpec | None:
    t = Table(ctx.p, path, raw, ("code", "name", "minimum", "increment"))
    rule_code = t.get("code", code(30))
    if rule_code is not BAD:
        ctx.declare("rounding_rule", rule_code, t.at("code"), "a rounding rule code used once")
    name = t.get("name", text(100))
    minimum = t.get("minimum", integer(1, 10_000_000))
    increment = t.get("increment", integer(1, 10_000_000))
    if not ok(rule_code, name, minimum, increment):
        return None
    return s.RoundingRuleSpec(rule_code, name, minimum, increment)


ZONE_KEYS = {
    "destination": ("code", "kind", "name", "prefixes", "like_home", "usage_prices"),
    "roaming": ("code", "kind", "name", "countries", "networks", "like_home", "usage_prices"),
}


def read_zone(ctx: Context, path: str, raw: object) -> s.ZoneSpec | None:
    kind_raw = raw.get("kind") if isinstance(raw, dict) else None
    keys = ZONE_KEYS.get(kind_raw, tuple(dict.fromkeys(ZONE_KEYS["destination"] + ZONE_KEYS["roaming"])))
    t = Table(ctx.p, path, raw, keys)
    zone_code = t.get("code", code(30))
    kind = t.get("kind", choice(tuple(ZONE_KEYS)))
    if ok(zone_code):
        ctx.declare("zone", zone_code, t.at("code"), "a zone code used once")
        if ok(kind):
            ctx.declare(f"zone:{kind}", zone_code, t.at("code"), "a zone code used once")
    name = t.get("name", text(100))
    prefixes, countries, networks, like_home = [], [], [], False
    if kind == "destination":
        for ppath, value in t.items("prefixes", required=True, min_items=1, what='a list of prefixes like ["33"]'):
            if prefix(ctx.p, ppath, value) is not BAD:
                prefixes.append(value)
                ctx.declare("prefix", value, ppath, "a prefix in one destination zone only")
        # Numbers called while roaming like at home as if called at home (EU/EEA numbers).
        like_home = t.get("like_home", boolean, default=False)
    elif kind == "roaming":
        for cpath, value in t.items("countries"):
            if value in HOME_COUNTRIES:
                ctx.p.expected(cpath, "a country where a line roams: France and the overseas departments "
                               f"({', '.join(sorted(HOME_COUNTRIES))}) are home, in no roaming zone", value)
            elif country(ctx.p, cpath, value) is not BAD:
                countries.append(value)
                ctx.declare("country", value, cpath, "a country in one roaming zone only")
        for npath, value in t.items("networks"):
            if network(ctx.p, npath, value) is not BAD:
                networks.append(value)
                ctx.declare("network", value, npath, "a network in one roaming zone only")
        if not t.data.get("countries") and not t.data.get("networks"):
            ctx.p.expected(t.at("countries"), "at least one country (or network) in a roaming zone",
                           t.raw("countries"))
            kind = BAD
        like_home = t.get("like_home", boolean, default=False)
    rows = list(t.items("usage_prices"))
    prices = [read_usage_price(ctx, upath, row, kind) for upath, row in rows]
    dated: dict[tuple, list] = {}
    for (upath, _row), price in zip(rows, prices, strict=True):
        if price is not None:
            dated.setdefault((price.bucket, price.direction), []).append((f"{upath}.valid_from", price.valid_from))
    for rows in dated.values():
        ascending(ctx, rows)
    if not ok(zone_code, kind, name, like_home) or None in prices:
        return None
    return s.ZoneSpec(zone_code, kind, name, tuple(prefixes), tuple(countries), tuple(networks), like_home,
                      tuple(prices))


def read_usage_price(ctx: Context, path: str, raw: object, zone_kind: object) -> s.UsagePriceSpec | None:
    t = Table(ctx.p, path, raw, ("bucket", "direction", "valid_from", "unit", "amount", "includes_vat", "vat_rule"))
    bucket = t.get("bucket", choice(BUCKETS))
    direction = t.get("direction", choice(("out", "in")), default="out")
    if direction == "in" and (bucket != "voice" or zone_kind != "roaming"):
        ctx.p.expected(t.at("direction"), '"out": only calls received while roaming outside the EU are charged',
                       direction)
        direction = BAD
    valid_from = t.get("valid_from", iso_date)
    units = s.USAGE_UNITS.get(bucket, ("min",))
    unit = t.get("unit", choice(units), default=units[0])
    price = t.get("amount", amount)
    includes_vat = t.get("includes_vat", boolean, default=True)
    vat_rule = t.get("vat_rule", code(30), default="standard")
    if vat_rule is not BAD:
        ctx.refer(t.at("vat_rule"), "vat_rule", vat_rule, VAT_RULE_REF)
    if not ok(bucket, direction, valid_from, unit, price, includes_vat, vat_rule):
        return None
    return s.UsagePriceSpec(bucket, direction, valid_from, unit, price, includes_vat, vat_rule)


def read_third_party_number(ctx: Context, path: str, raw: object) -> s.ThirdPartyNumberSpec | None:
    t = Table(ctx.p, path, raw, ("prefix", "kind", "name", "per_call", "per_minute", "vat_rule"))
    number = t.get("prefix", digits(1, 20, 'a short code or prefix of digits as dialled, like "3179"'))
    if number is not BAD:
        ctx.declare("third_party", number, t.at("prefix"), "a special number listed once")
    kind = t.get("kind", choice(s.THIRD_PARTY_KINDS))
    name = t.get("name", text(100))
    per_call = t.get("per_call", surcharge, default=Decimal(0))
    per_minute = t.get("per_minute", surcharge, default=Decimal(0))
    vat_rule = t.get("vat_rule", code(30), default="standard")
    if vat_rule is not BAD:
        ctx.refer(t.at("vat_rule"), "vat_rule", vat_rule, VAT_RULE_REF)
    if not ok(number, kind, name, per_call, per_minute, vat_rule):
        return None
    return s.ThirdPartyNumberSpec(number, kind, name, per_call, per_minute, vat_rule)


def read_policy(ctx: Context, path: str, raw: object) -> s.PolicySpec | None:
    t = Table(ctx.p, path, raw, ("upgrade", "downgrade", "allowance_on_change", "early_termination_fee",
                                 "termination_notice_days"))
    values = (
        t.get("upgrade", choice(s.UPGRADE_CHOICES)),
        t.get("downgrade", choice(s.UPGRADE_CHOICES)),
        t.get("allowance_on_change", choice(s.ALLOWANCE_ON_CHANGE_CHOICES)),
        t.get("early_termination_fee", choice(s.EARLY_TERMINATION_CHOICES)),
        # A termination takes effect within 10 days of the request (Code de la consommation L224-39).
        t.get("termination_notice_days", integer(0, 10)),
    )
    return s.PolicySpec(*values) if ok(*values) and t.ok else None
