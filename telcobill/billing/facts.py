"""The facts the invoice generator works from, as plain data (no ORM)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from telcobill.usage.charges import UsageCharge


@dataclass(frozen=True)
class SubscriptionFact:
    product_code: str
    starts_on: date
    ends_on: date | None  # exclusive; None: open


@dataclass(frozen=True)
class LineFact:
    line_id: int
    msisdn: str
    activated_on: date | None
    terminated_on: date | None  # last day of service, inclusive
    subscriptions: tuple[SubscriptionFact, ...]


@dataclass(frozen=True)
class BilledFee:
    """A recurring fee already on an issued document (credit notes' lines with a negative sign)."""

    line_id: int
    product_code: str
    period_start: date
    period_end: date  # inclusive
    quantity: Decimal  # signed: negative means credited
    unit_code: str  # "MON" or "DAY"
    unit_price: Decimal  # excl. VAT


@dataclass(frozen=True)
class ChargeFact:
    charge_id: int
    line_id: int | None
    msisdn: str
    product_code: str
    description: str
    section: str
    charged_on: date
    quantity: Decimal
    unit_price: Decimal | None  # None: the product's price on charged_on
    includes_vat: bool
    vat_rule: str  # "" : the product's


@dataclass(frozen=True)
class BilledUsage:
    """A usage line already on an issued document (signed like BilledFee)."""

    line_id: int
    product_code: str  # the rating charge
    period_start: date  # first day of the usage month
    quantity: Decimal
    net_amount: Decimal
    description: str = ""
    msisdn: str = ""
    section: str = "communications"
    unit_code: str = "C62"
    vat_category: str = "S"
    vat_rate: Decimal = Decimal("20.00")
    vat_exemption_reason: str = ""


@dataclass(frozen=True)
class AccountFacts:
    account_id: int
    language: str
    lines: tuple[LineFact, ...]
    billed_fees: tuple[BilledFee, ...]  # in issue order
    charges: tuple[ChargeFact, ...] = ()
    usage: tuple[UsageCharge, ...] = ()  # owed, per usage month handed in by rating
    usage_months: tuple[date, ...] = ()  # the months `usage` covers in full
    billed_usage: tuple[BilledUsage, ...] = ()  # of those months


@dataclass(frozen=True)
class ProposedLine:
    section: str
    description: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal  # excl. VAT, 6 decimals
    net_amount: Decimal  # excl. VAT, 2 decimals
    vat_category: str
    vat_rate: Decimal
    kind: str  # "fee" | "usage" | "one_off" | "adjustment" | "penalty"
    line_id: int | None = None
    msisdn: str = ""
    product_code: str = ""
    period_start: date | None = None
    period_end: date | None = None
    unit_price_incl_vat: Decimal | None = None
    vat_exemption_reason: str = ""
    charge_id: int | None = None
