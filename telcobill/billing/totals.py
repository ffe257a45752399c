"""Document totals and the VAT breakdown, from lines alone (invariant 8: the lines are the total)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from telcobill.money import ZERO, vat_of


@dataclass(frozen=True)
class VatLine:
    category: str
    rate: Decimal
    base: Decimal
    amount: Decimal
    exemption_reason: str = ""


@dataclass(frozen=True)
class Totals:
    vat_lines: tuple[VatLine, ...]
    net: Decimal
    vat: Decimal
    gross: Decimal


def compute_totals(lines) -> Totals:
    """Lines need `net_amount`, `vat_category`, `vat_rate` (and optionally `vat_exemption_reason`).
    VAT is computed once per (category, rate) on the sum of its lines, half-up to the cent."""
    bases: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    reasons: dict[tuple[str, Decimal], str] = {}
    for line in lines:
        key = (line.vat_category, Decimal(line.vat_rate))
        bases[key] += line.net_amount
        reasons.setdefault(key, getattr(line, "vat_exemption_reason", "") or "")
    vat_lines = tuple(
        VatLine(category, rate, base, vat_of(base, rate) if category == "S" else ZERO, reasons[(category, rate)])
        for (category, rate), base in sorted(bases.items(), key=lambda kv: (kv[0][0] != "S", -kv[0][1], kv[0][0]))
    )
    net = sum((v.base for v in vat_lines), ZERO)
    vat = sum((v.amount for v in vat_lines), ZERO)
    return Totals(vat_lines, net, vat, net + vat)
