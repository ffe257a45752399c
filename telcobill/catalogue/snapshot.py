"""The catalogue as plain data for the pure billing and rating code: loaded once per run."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class VatInfo:
    code: str
    category: str
    rates: tuple[tuple[date, Decimal], ...]  # (valid_from, percent), ascending
    exemption_reason: str = ""
    exemption_code: str = ""

    def rate_on(self, day: date) -> Decimal:
        index = bisect.bisect_right([d for d, _ in self.rates], day) - 1
        if index < 0:
            raise LookupError(f"VAT rule {self.code} has no rate in force on {day}")
        return self.rates[index][1]


@dataclass(frozen=True)
class PriceInfo:
    valid_from: date
    amount: Decimal
    includes_vat: bool


@dataclass(frozen=True)
class ProductInfo:
    code: str
    kind: str
    name: str
    name_en: str
    section: str
    vat_rule: str
    prices: tuple[PriceInfo, ...]  # ascending valid_from
    tier: int = 0
    commitment_months: int = 0

    def price_on(self, day: date) -> PriceInfo:
        index = bisect.bisect_right([p.valid_from for p in self.prices], day) - 1
        if index < 0:
            raise LookupError(f"product {self.code} has no price in force on {day}")
        return self.prices[index]

    def label(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


@dataclass(frozen=True)
class CatalogueSnapshot:
    products: dict[str, ProductInfo]
    vat_rules: dict[str, VatInfo]

    def product(self, code: str) -> ProductInfo:
        try:
            return self.products[code]
        except KeyError:
            raise LookupError(f"product {code!r} is not in the catalogue") from None

    def vat(self, code: str) -> VatInfo:
        try:
            return self.vat_rules[code]
        except KeyError:
            raise LookupError(f"VAT rule {code!r} is not in the catalogue") from None


def load_snapshot() -> CatalogueSnapshot:
    """Read the catalogue tables into a snapshot (three queries)."""
    from .models import Price, Product, VatRate, VatRule

    rates: dict[int, list[tuple[date, Decimal]]] = {}
    for rate in VatRate.objects.order_by("valid_from"):
        rates.setdefault(rate.vat_rule_id, []).append((rate.valid_from, rate.rate))
    vat_rules = {}
    codes_by_id = {}
    for rule in VatRule.objects.all():
        codes_by_id[rule.pk] = rule.code
        vat_rules[rule.code] = VatInfo(rule.code, rule.category, tuple(rates.get(rule.pk, ())),
                                       rule.exemption_reason, rule.exemption_code)
    prices: dict[int, list[PriceInfo]] = {}
    for price in Price.objects.order_by("valid_from"):
        prices.setdefault(price.product_id, []).append(PriceInfo(price.valid_from, price.amount, price.includes_vat))
    products = {
        p.code: ProductInfo(p.code, p.kind, p.name, p.name_en, p.section, codes_by_id[p.vat_rule_id],
                            tuple(prices.get(p.pk, ())), p.tier, p.commitment_months)
        for p in Product.objects.all()
    }
    return CatalogueSnapshot(products, vat_rules)
