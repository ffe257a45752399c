"""Reading plans, options and fees with their dated prices and allowances."""

from __future__ import annotations

from decimal import Decimal

from ..models import AllowanceScope, Segment
from . import spec as s
from .context import Context
from .fields import BAD, MISSING, Table, amount, boolean, choice, code, decimal, integer, iso_date, text
from .rules import BUCKETS, VAT_RULE_REF, ascending, ok

COMMON_KEYS = ("code", "name", "name_en", "description", "segment", "vat_rule", "includes_vat", "retired",
               "section", "prices")
PRODUCT_KEYS = {
    "plan": (*COMMON_KEYS, "commitment_months", "tier", "rounding", "allowances"),
    "option": (*COMMON_KEYS, "commitment_months", "rounding", "allowances", "compatible_plans"),
    "fee": COMMON_KEYS,
}
quantity = decimal("a quantity like 100 (0 or more, at most 3 decimals), or unlimited = true", places=3,
                   high=Decimal("9999999999999"))


def read_product(ctx: Context, path: str, raw: object, kind: str) -> s.ProductSpec | None:
    t = Table(ctx.p, path, raw, PRODUCT_KEYS[kind])
    product_code = t.get("code", code(40))
    if product_code is not BAD:
        ctx.declare("product", product_code, t.at("code"), "a product code used once (plans, options and fees)")
        if kind == "plan":
            ctx.declare("plan", product_code, t.at("code"), "a plan code used once")
    name = t.get("name", text(120))
    name_en = t.get("name_en", text(120, empty=True), default="")
    description = t.get("description", text(2000, empty=True), default="")
    segment = t.get("segment", choice(tuple(Segment.values)), default=Segment.ALL.value)
    sections = s.FEE_SECTIONS if kind == "fee" else (s.PLAN_SECTION,)
    section = t.get("section", choice(sections), default=sections[0])
    vat_rule = t.get("vat_rule", code(30), default="standard")
    if vat_rule is not BAD:
        ctx.refer(t.at("vat_rule"), "vat_rule", vat_rule, VAT_RULE_REF)
    includes_vat = t.get("includes_vat", boolean, default=True)
    if includes_vat is False and segment != Segment.BUSINESS:
        ctx.p.expected(t.at("includes_vat"), 'true, or segment = "business": consumer prices are advertised '
                       "VAT included", False)
        includes_vat = BAD
    retired = t.get("retired", boolean, default=False)
    commitment = t.get("commitment_months", integer(0, 60), default=0)
    if segment != Segment.BUSINESS and ok(commitment) and commitment > s.CONSUMER_MAX_COMMITMENT:
        ctx.p.expected(t.at("commitment_months"), "at most 24 months for an offer open to consumers "
                       "(Code de la consommation L224-28)", commitment)
        commitment = BAD
    tier = t.get("tier", integer(0, 1000), default=0)
    rounding = _rounding(ctx, t)
    compatible = t.values("compatible_plans", code(40))
    for index, plan in enumerate(compatible):
        ctx.refer(f"{t.at('compatible_plans')}[{index}]", "plan", plan, "the code of a plan of this file")
    prices = _prices(ctx, t, includes_vat is not False)
    allowances = _allowances(ctx, t, segment)
    if not ok(product_code, name, name_en, description, segment, section, vat_rule, includes_vat, retired,
              commitment, tier, rounding, prices, allowances):
        return None
    return s.ProductSpec(product_code, kind, name, name_en, segment, description, section, vat_rule, commitment,
                         tier, rounding, tuple(compatible), retired, prices, allowances)


def _rounding(ctx: Context, t: Table) -> dict[str, str] | object:
    raw = t.raw("rounding")
    if raw is MISSING:
        return {}
    r = Table(ctx.p, t.at("rounding"), raw, BUCKETS)
    result = {}
    for bucket in BUCKETS:
        rule = r.get(bucket, code(30), default=None)
        if rule is BAD:
            return BAD
        if rule is not None:
            ctx.refer(r.at(bucket), "rounding_rule", rule, "the code of a rounding rule of this file")
            result[bucket] = rule
    return result if r.ok and len(r.data) == len(result) else BAD


def _prices(ctx: Context, t: Table, includes_vat: bool) -> tuple[s.PriceSpec, ...] | object:
    prices, dates = [], []
    for path, row in t.items("prices", required=True, min_items=1,
                             what='at least one dated price like [{ valid_from = 2025-01-01, amount = "9.99" }]'):
        r = Table(ctx.p, path, row, ("valid_from", "amount"))
        valid_from, price = r.get("valid_from", iso_date), r.get("amount", amount)
        dates.append((r.at("valid_from"), valid_from))
        if ok(valid_from, price) and r.ok:
            prices.append(s.PriceSpec(valid_from, price, includes_vat))
    ascending(ctx, dates)
    return tuple(prices) if prices and len(prices) == len(dates) else BAD


def _allowances(ctx: Context, t: Table, segment: object) -> tuple[s.AllowanceSpec, ...] | object:
    rows = list(t.items("allowances"))
    allowances = [_allowance(ctx, path, row, segment) for path, row in rows]
    dated: dict[tuple, list] = {}
    for (path, _row), allowance in zip(rows, allowances, strict=True):
        if allowance is not None:
            key = (allowance.bucket, tuple(sorted(allowance.zones)))
            dated.setdefault(key, []).append((f"{path}.valid_from", allowance.valid_from))
    for dates in dated.values():
        ascending(ctx, dates)
    return BAD if None in allowances else tuple(allowances)


def _allowance(ctx: Context, path: str, raw: object, segment: object) -> s.AllowanceSpec | None:
    t = Table(ctx.p, path, raw, ("valid_from", "bucket", "quantity", "unit", "unlimited", "scope", "zones"))
    valid_from = t.get("valid_from", iso_date)
    bucket = t.get("bucket", choice(BUCKETS))
    units = s.ALLOWANCE_UNITS.get(bucket) or tuple(dict.fromkeys(u for us in s.ALLOWANCE_UNITS.values() for u in us))
    unlimited = t.get("unlimited", boolean, default=False)
    if unlimited is True:
        count = None
        if "quantity" in t.data:
            ctx.p.expected(t.at("quantity"), "no quantity with unlimited = true", t.data["quantity"])
            count = BAD
        unit = t.get("unit", choice(units), default=units[0])
    else:
        count = t.get("quantity", quantity)
        unit = t.get("unit", choice(units))
    scope = t.get("scope", choice(tuple(AllowanceScope.values)), default=AllowanceScope.LINE.value)
    if scope == AllowanceScope.POOL and segment != "business":
        ctx.p.expected(t.at("scope"), '"line": an allowance is pooled across the lines of a business only '
                       '(segment = "business")', scope)
        scope = BAD
    zones = t.values("zones", code(30))
    for index, zone in enumerate(zones):
        ctx.refer(f"{t.at('zones')}[{index}]", "zone", zone, "the code of a zone of this file")
    if not ok(valid_from, bucket, unlimited, count, unit, scope) or not t.ok:
        return None
    return s.AllowanceSpec(valid_from, bucket, count, unit, scope, tuple(zones))
