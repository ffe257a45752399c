"""A parsed TOML document to a checked `CatalogueSpec`, or a `CatalogueError` listing every problem."""

from __future__ import annotations

from collections.abc import Callable

from . import spec as s
from .context import Context
from .fields import MISSING, Problems, Reader, Refused, Table
from .products import read_product
from .rules import read_policy, read_rounding_rule, read_third_party_number, read_vat_rule, read_zone

FORMAT = 1
TOP_KEYS = ("format", "policy", "vat_rules", "rounding_rules", "zones", "third_party_numbers", "plans",
            "options", "fees")
SECTIONS = {"plans": "plan", "options": "option", "fees": "fee"}


def _format(value: object) -> int:
    if value != FORMAT or isinstance(value, bool):
        raise Refused
    return FORMAT


def read_catalogue(document: dict, filename: str) -> s.CatalogueSpec:
    """Check a whole catalogue; raise `CatalogueError` with all its problems, or return it."""
    p = Problems(filename)
    ctx = Context(p)
    root = Table(p, "", document, TOP_KEYS)
    root.get("format", Reader(f"format = {FORMAT}", _format))
    policy = read_policy(ctx, "policy", root.raw("policy")) if root.raw("policy") is not MISSING else None
    if root.raw("policy") is MISSING:
        p.expected("policy", "a [policy] table", MISSING)

    def section(key: str, read: Callable, **kwargs) -> list[tuple[str, object]]:
        rows = root.items(key, what=f"a list of tables ([[{key}]])", **kwargs)
        return [(path, read(ctx, path, raw)) for path, raw in rows]

    vat_rules = section("vat_rules", read_vat_rule, required=True, min_items=1)
    rounding_rules = section("rounding_rules", read_rounding_rule)
    zones = section("zones", read_zone)
    numbers = section("third_party_numbers", read_third_party_number)
    products = []
    for key, kind in SECTIONS.items():
        products += section(key, lambda c, path, raw, kind=kind: read_product(c, path, raw, kind))
    ctx.check_references()
    rules = {rule.code: (path, rule) for path, rule in vat_rules if rule is not None}
    if root.raw("vat_rules") is not MISSING:
        _check_required_vat_rules(p, rules, ctx.declared.get("vat_rule", {}))
    _check_vat_in_force(p, rules, products, zones)
    _check_allowance_zones(ctx, products)
    _check_tiers(p, products)
    p.raise_if_any()
    return s.CatalogueSpec(
        policy=policy,
        vat_rules=tuple(rule for _, rule in vat_rules),
        rounding_rules=tuple(rule for _, rule in rounding_rules),
        zones=tuple(zone for _, zone in zones),
        third_party_numbers=tuple(number for _, number in numbers),
        products=tuple(product for _, product in products),
    )


def _check_required_vat_rules(p: Problems, rules: dict[str, tuple[str, s.VatRuleSpec]],
                              declared: dict[str, str]) -> None:
    """The billing code uses these two by code (fees default to "standard", penalties "out_of_scope")."""
    for rule_code, (category, what) in s.REQUIRED_VAT_RULES.items():
        if rule_code not in rules:
            if rule_code not in declared:  # declared but broken: already reported
                p.conflict("vat_rules", what, "no such rule")
            continue
        path, rule = rules[rule_code]
        if rule.category != category:
            p.expected(f"{path}.category", what, rule.category)
        if rule_code == "out_of_scope" and rule.exemption_code != "VATEX-EU-O":
            p.expected(f"{path}.exemption_code", what, rule.exemption_code or MISSING)


def _check_vat_in_force(p: Problems, rules: dict, products: list, zones: list) -> None:
    """A product's or out-of-plan price's VAT rule must have a rate from its first date on."""
    dated = []
    for path, zone in zones:
        if zone is not None:
            dated += [(f"{path}.usage_prices[{i}].valid_from", price.vat_rule, price.valid_from)
                      for i, price in enumerate(zone.usage_prices)]
    dated += [(f"{path}.prices[0].valid_from", product.vat_rule, product.prices[0].valid_from)
              for path, product in products if product is not None]
    for path, rule_code, day in dated:
        if rule_code in rules:
            first = rules[rule_code][1].rates[0].valid_from
            if day < first:
                p.expected(path, f'a date on or after {first.isoformat()}, when VAT rule "{rule_code}" has its '
                           "first rate", day)


def _check_allowance_zones(ctx: Context, products: list) -> None:
    """Data is counted where it is used (roaming zones); calls and messages to destinations or from
    roaming zones, one kind per allowance."""
    destinations = ctx.declared.get("zone:destination", {})
    roaming = ctx.declared.get("zone:roaming", {})
    for path, product in products:
        if product is None:
            continue
        for index, allowance in enumerate(product.allowances):
            kinds = {"destination" if z in destinations else "roaming" for z in allowance.zones
                     if z in destinations or z in roaming}
            where = f"{path}.allowances[{index}].zones"
            if allowance.bucket in ("data", "data_eu") and "destination" in kinds:
                ctx.p.expected(where, "roaming zones only: data is counted where it is used", list(allowance.zones))
            elif len(kinds) > 1:
                ctx.p.expected(where, "zones of one kind: destination zones (calls to) or roaming zones "
                               "(usage while there)", list(allowance.zones))


def _check_tiers(p: Problems, products: list) -> None:
    """A plan change is an upgrade or a downgrade by tier: plans on sale in a segment differ."""
    seen: dict[tuple[str, int], str] = {}
    for path, product in products:
        if product is None or product.kind != "plan" or product.retired:
            continue
        key = (product.segment, product.tier)
        if key in seen:
            p.conflict(f"{path}.tier", f"a tier no other plan on sale in segment {product.segment} has",
                       f"{product.tier} (also {seen[key]}.tier)")
        else:
            seen[key] = path
