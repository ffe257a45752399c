from datetime import date
from decimal import Decimal

import pytest

from telcobill.billing.early_termination import early_termination_fee


@pytest.mark.parametrize(("activated", "end", "last_day", "consumer", "policy", "expected"), [
    # 24-month commitment, leaving in month 11: 2 months to month 12 in full + 12 × 1/4
    (date(2026, 1, 1), date(2028, 1, 1), date(2026, 11, 15), True, "consumer_code", "120.00"),
    # after month 12: a quarter of the 10 remaining months
    (date(2026, 1, 1), date(2028, 1, 1), date(2027, 2, 28), True, "consumer_code", "60.00"),
    # 12-month commitment: everything remaining is before month 12
    (date(2026, 1, 1), date(2027, 1, 1), date(2026, 8, 31), True, "consumer_code", "96.00"),
    # a business pays the remaining fees
    (date(2026, 1, 1), date(2028, 1, 1), date(2026, 11, 15), False, "consumer_code", "336.00"),
    # at or after the commitment end: nothing
    (date(2026, 1, 1), date(2027, 1, 1), date(2026, 12, 31), True, "consumer_code", "0.00"),
    (date(2026, 1, 1), None, date(2026, 5, 31), True, "consumer_code", "0.00"),
    (date(2026, 1, 1), date(2028, 1, 1), date(2026, 11, 15), True, "none", "0.00"),
])
def test_early_termination_fees(activated, end, last_day, consumer, policy, expected):
    fee = early_termination_fee(monthly_price=Decimal("24.00"), activated_on=activated, commitment_end=end,
                                terminated_on=last_day, policy=policy, consumer=consumer)
    assert fee == Decimal(expected)
