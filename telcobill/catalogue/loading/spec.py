"""A catalogue file once read and checked: plain data, no ORM (what the loader writes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

VAT_CATEGORIES = ("S", "E", "AE", "K", "G", "O", "Z")
# EN 16931 wants an exemption reason on every category that charges no VAT for a reason.
NEEDS_EXEMPTION_REASON = ("E", "AE", "K", "G", "O")
FEE_SECTIONS = ("one_off", "third_party", "penalties", "adjustments")
PLAN_SECTION = "plan_options"
UPGRADE_CHOICES = ("immediate", "next_cycle")
ALLOWANCE_ON_CHANGE_CHOICES = ("prorated", "highest")
EARLY_TERMINATION_CHOICES = ("consumer_code", "remaining_fees", "none")
THIRD_PARTY_KINDS = ("service", "premium", "content", "free")
# The units an allowance may be written in, per bucket.
ALLOWANCE_UNITS = {"voice": ("min",), "sms": ("sms",), "mms": ("mms",), "data": ("MB", "GB"),
                   "data_eu": ("MB", "GB")}
# The unit an out-of-plan price is per, per bucket.
USAGE_UNITS = {"voice": ("min",), "sms": ("sms",), "mms": ("mms",), "data": ("MB",), "data_eu": ("MB",)}
# VAT rules the billing code uses by code: (category, what the problem says).
REQUIRED_VAT_RULES = {
    "standard": ("S", 'a VAT rule "standard" of category S (20 %)'),
    "out_of_scope": ("O", 'a VAT rule "out_of_scope" of category O with exemption_code "VATEX-EU-O"'),
}
# Consumer commitments are capped at 24 months (Code de la consommation L224-28).
CONSUMER_MAX_COMMITMENT = 24


@dataclass(frozen=True)
class VatRateSpec:
    valid_from: date
    rate: Decimal


@dataclass(frozen=True)
class VatRuleSpec:
    code: str
    category: str
    name: str
    exemption_reason: str
    exemption_code: str
    rates: tuple[VatRateSpec, ...]


@dataclass(frozen=True)
class RoundingRuleSpec:
    code: str
    name: str
    minimum: int
    increment: int


@dataclass(frozen=True)
class UsagePriceSpec:
    bucket: str
    direction: str
    valid_from: date
    unit: str
    amount: Decimal
    includes_vat: bool
    vat_rule: str


@dataclass(frozen=True)
class ZoneSpec:
    code: str
    kind: str
    name: str
    prefixes: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    like_home: bool = False
    usage_prices: tuple[UsagePriceSpec, ...] = ()


@dataclass(frozen=True)
class ThirdPartyNumberSpec:
    prefix: str
    kind: str
    name: str
    per_call: Decimal
    per_minute: Decimal
    vat_rule: str


@dataclass(frozen=True)
class PriceSpec:
    valid_from: date
    amount: Decimal
    includes_vat: bool


@dataclass(frozen=True)
class AllowanceSpec:
    valid_from: date
    bucket: str
    quantity: Decimal | None  # None: unlimited
    unit: str
    scope: str
    zones: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductSpec:
    code: str
    kind: str
    name: str
    name_en: str
    segment: str
    description: str
    section: str
    vat_rule: str
    commitment_months: int
    tier: int
    rounding: dict[str, str]
    compatible_plans: tuple[str, ...]
    retired: bool
    prices: tuple[PriceSpec, ...]
    allowances: tuple[AllowanceSpec, ...] = ()


@dataclass(frozen=True)
class PolicySpec:
    upgrade: str
    downgrade: str
    allowance_on_change: str
    early_termination_fee: str
    termination_notice_days: int


@dataclass(frozen=True)
class CatalogueSpec:
    policy: PolicySpec
    vat_rules: tuple[VatRuleSpec, ...] = ()
    rounding_rules: tuple[RoundingRuleSpec, ...] = ()
    zones: tuple[ZoneSpec, ...] = ()
    third_party_numbers: tuple[ThirdPartyNumberSpec, ...] = ()
    products: tuple[ProductSpec, ...] = field(default_factory=tuple)
