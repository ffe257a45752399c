"""Money: Decimal only, with the roundings named once (ARCHITECTURE.md, invariant 8)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")
ZERO = Decimal("0.00")


def to_cents(amount: Decimal) -> Decimal:
    """Half-up to the cent: invoice lines and VAT totals."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def to_micros(amount: Decimal) -> Decimal:
    """Half-up to 6 decimals: unit prices and rated usage before a line is rounded."""
    return Decimal(amount).quantize(MICRO, rounding=ROUND_HALF_UP)


def vat_of(base: Decimal, rate_percent: Decimal) -> Decimal:
    return to_cents(base * rate_percent / 100)


def incl_vat(amount_excl_vat: Decimal, rate_percent: Decimal) -> Decimal:
    """What a customer reads for an amount excl. VAT: the amount with its VAT, to the cent."""
    return to_cents(amount_excl_vat * (100 + rate_percent) / 100)


def excl_vat(price_incl_vat: Decimal, rate_percent: Decimal) -> Decimal:
    """The price excl. VAT of an advertised VAT-included price, kept to 6 decimals."""
    return to_micros(price_incl_vat * 100 / (100 + rate_percent))
