"""What the usage component hands to billing: priced usage totals per invoice line.

The rating issue fills `usage_charges`; until then no usage is billed and the bill run works
with fees, one-off charges and adjustments alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class UsageCharge:
    line_id: int | None
    msisdn: str
    section: str  # "communications" or "third_party"
    description: str
    quantity: Decimal
    unit_code: str
    amount_excl_vat: Decimal  # exact, up to 6 decimals; rounded to the cent on the line
    vat_rule: str
    period_start: date
    period_end: date
    product_code: str = ""


def usage_charges(account_ids: list[int], month_first: date) -> dict[int, tuple[UsageCharge, ...]]:
    """Rated usage of the month starting at `month_first`, per billing account (none yet)."""
    return {}
