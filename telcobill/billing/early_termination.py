"""Early-termination fees: pure arithmetic over the commitment (Code de la consommation L224-28).

A consumer leaving after the 12th month owes at most a quarter of the fees remaining until the
commitment end; inside the first 12 months, the fees remaining until month 12 plus a quarter
of the rest. A business owes the remaining fees (its contract's terms, policy `remaining_fees`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from telcobill.money import to_cents

from .proration import add_months, months_between


def early_termination_fee(*, monthly_price: Decimal, activated_on: date, commitment_end: date | None,
                          terminated_on: date, policy: str, consumer: bool) -> Decimal:
    """The fee owed when service ends on `terminated_on` (last day of service), same VAT basis as
    `monthly_price`. Zero outside a commitment or with policy "none"."""
    if commitment_end is None or policy == "none":
        return Decimal("0.00")
    leaving = terminated_on + timedelta(days=1)
    if leaving >= commitment_end:
        return Decimal("0.00")
    remaining = months_between(leaving, commitment_end)
    if policy == "remaining_fees" or not consumer:
        return to_cents(monthly_price * remaining)
    month_12 = add_months(activated_on, 12)
    before_12 = months_between(leaving, min(month_12, commitment_end)) if leaving < month_12 else 0
    after_12 = remaining - before_12
    return to_cents(monthly_price * before_12 + monthly_price * after_12 / 4)
