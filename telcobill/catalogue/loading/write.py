"""Writing a checked catalogue over the tables: upsert by code, dated rows replaced by the file's.

Runs inside the caller's transaction. An item whose fields and dated rows already match the file
is left untouched (same ids), so loading the same file twice changes nothing but the policy row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import models, transaction

from ..models import (
    Allowance,
    CataloguePolicy,
    Price,
    Product,
    RoundingRule,
    ThirdPartyNumber,
    UsagePrice,
    VatRate,
    VatRule,
    Zone,
)
from .spec import CatalogueSpec

KINDS = ("vat_rules", "rounding_rules", "zones", "third_party_numbers", "products")


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    retired: int = 0


@dataclass
class LoadReport:
    """What a load did, per kind of item; `retired_products` were absent from the file but in use."""

    source: str
    sha256: str
    tallies: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    retired_products: list[str] = field(default_factory=list)
    kept_vat_rules: list[str] = field(default_factory=list)  # absent from the file but in use
    policy_id: int | None = None

    @property
    def created(self) -> int:
        return sum(t.created for t in self.tallies.values())

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tallies.values())

    @property
    def deleted(self) -> int:
        return sum(t.deleted for t in self.tallies.values())

    @property
    def retired(self) -> int:
        return sum(t.retired for t in self.tallies.values())


def write_catalogue(spec: CatalogueSpec, *, source: str, sha256: str) -> LoadReport:
    report = LoadReport(source=source, sha256=sha256)
    vat_ids = _write_vat_rules(spec, report.tallies["vat_rules"])
    _write_simple(RoundingRule, "code", {r.code: asdict(r) for r in spec.rounding_rules},
                  report.tallies["rounding_rules"])
    _write_zones(spec, vat_ids, report.tallies["zones"])
    _write_simple(ThirdPartyNumber, "prefix", {
        n.prefix: {**asdict(n), "vat_rule_id": vat_ids[n.vat_rule]} for n in spec.third_party_numbers
    }, report.tallies["third_party_numbers"], drop=("vat_rule",))
    _write_products(spec, vat_ids, report)
    _delete_unused_vat_rules(set(vat_ids), report)
    policy = CataloguePolicy.objects.create(source=source[-300:], sha256=sha256, **asdict(spec.policy))
    report.policy_id = policy.pk
    return report


def _canon(value: object) -> object:
    """A value compared by meaning: Decimal("20.00") is Decimal("20"), a tuple is a list."""
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, str):
        return str(value)  # a TextChoices member is its value
    if isinstance(value, list | tuple):
        return [_canon(v) for v in value]
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in value.items()}
    return value


def _rows_key(rows: list[dict]) -> list:
    return sorted(repr(sorted(_canon(row).items())) for row in rows)


def _sync(model: type[models.Model], existing: dict, key: str, lookup: dict, fields: dict,
          children: dict[str, tuple[type[models.Model], str, list[dict]]], tally: Tally) -> models.Model:
    """Create or update one item and replace its dated rows; count what happened."""
    obj = existing.pop(key, None)
    if obj is not None:
        same = all(_canon(getattr(obj, name)) == _canon(value) for name, value in fields.items())
        for related, (_, _, rows) in children.items():
            current = [{k: getattr(child, k) for k in rows[0]} if rows else {}
                       for child in getattr(obj, related).all()]
            same = same and _rows_key(current) == _rows_key(rows)
        if same:
            tally.unchanged += 1
            return obj
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save()
        tally.updated += 1
    else:
        obj = model.objects.create(**lookup, **fields)
        tally.created += 1
    for related, (child_model, parent, rows) in children.items():
        getattr(obj, related).all().delete()
        child_model.objects.bulk_create([child_model(**{parent: obj}, **row) for row in rows])
    return obj


def _write_vat_rules(spec: CatalogueSpec, tally: Tally) -> dict[str, int]:
    existing = {r.code: r for r in VatRule.objects.prefetch_related("rates")}
    ids = {}
    for rule in spec.vat_rules:
        fields = {"category": rule.category, "name": rule.name, "exemption_reason": rule.exemption_reason,
                  "exemption_code": rule.exemption_code}
        rates = [{"valid_from": r.valid_from, "rate": r.rate} for r in rule.rates]
        obj = _sync(VatRule, existing, rule.code, {"code": rule.code}, fields,
                    {"rates": (VatRate, "vat_rule", rates)}, tally)
        ids[rule.code] = obj.pk
    return ids


def _write_simple(model, key_field: str, items: dict[str, dict], tally: Tally, drop: tuple = ()) -> None:
    """Items without dated rows (rounding rules, special numbers): upsert, delete the absent ones."""
    existing = {getattr(o, key_field): o for o in model.objects.all()}
    for key, values in items.items():
        fields = {k: v for k, v in values.items() if k != key_field and k not in drop}
        _sync(model, existing, key, {key_field: key}, fields, {}, tally)
    for obj in existing.values():
        obj.delete()
        tally.deleted += 1


def _write_zones(spec: CatalogueSpec, vat_ids: dict[str, int], tally: Tally) -> None:
    existing = {z.code: z for z in Zone.objects.prefetch_related("usage_prices")}
    for zone in spec.zones:
        fields = {"kind": zone.kind, "name": zone.name, "prefixes": list(zone.prefixes),
                  "countries": list(zone.countries), "networks": list(zone.networks), "like_home": zone.like_home}
        prices = [{"bucket": u.bucket, "direction": u.direction, "valid_from": u.valid_from, "unit": u.unit,
                   "amount": u.amount, "includes_vat": u.includes_vat, "vat_rule_id": vat_ids[u.vat_rule]}
                  for u in zone.usage_prices]
        _sync(Zone, existing, zone.code, {"code": zone.code}, fields,
              {"usage_prices": (UsagePrice, "zone", prices)}, tally)
    for obj in existing.values():
        obj.delete()  # its out-of-plan prices go with it
        tally.deleted += 1


def _write_products(spec: CatalogueSpec, vat_ids: dict[str, int], report: LoadReport) -> None:
    tally = report.tallies["products"]
    existing = {p.code: p for p in Product.objects.prefetch_related("prices", "allowances")}
    for product in spec.products:
        fields = {"kind": product.kind, "name": product.name, "name_en": product.name_en,
                  "segment": product.segment, "description": product.description, "section": product.section,
                  "vat_rule_id": vat_ids[product.vat_rule], "commitment_months": product.commitment_months,
                  "tier": product.tier, "rounding": dict(product.rounding),
                  "compatible_plans": list(product.compatible_plans), "retired": product.retired}
        prices = [{"valid_from": p.valid_from, "amount": p.amount, "includes_vat": p.includes_vat}
                  for p in product.prices]
        allowances = [{"valid_from": a.valid_from, "bucket": a.bucket, "quantity": a.quantity, "unit": a.unit,
                       "scope": a.scope, "zones": list(a.zones)} for a in product.allowances]
        _sync(Product, existing, product.code, {"code": product.code}, fields,
              {"prices": (Price, "product", prices), "allowances": (Allowance, "product", allowances)}, tally)
    for obj in existing.values():
        # A product still referenced (a subscription, a pending charge) stays, retired from sale.
        try:
            with transaction.atomic():
                obj.delete()
            tally.deleted += 1
        except (models.ProtectedError, models.RestrictedError):
            if not obj.retired:
                obj.retired = True
                obj.save(update_fields=["retired"])
                tally.retired += 1
                report.retired_products.append(obj.code)


def _delete_unused_vat_rules(kept: set[str], report: LoadReport) -> None:
    tally = report.tallies["vat_rules"]
    for rule in VatRule.objects.exclude(code__in=kept):
        try:
            with transaction.atomic():
                rule.delete()
            tally.deleted += 1
        except (models.ProtectedError, models.RestrictedError):
            report.kept_vat_rules.append(rule.code)
