"""Money as staff read it in the admin: 1 234,50 €."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def euros(amount: Decimal | None) -> str:
    return "—" if amount is None else f"{number_format(amount, 2, use_l10n=True, force_grouping=True)}\u00a0€"
