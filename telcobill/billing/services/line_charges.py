"""What each line cost on issued documents: the per-line amounts a business allocates to its cost
centres, and the customer space shows beside each line.

A document's VAT is computed once per rate on the sum of its lines (billing.totals); a line's
share here is its own net amounts per rate with their VAT, half-up to the cent, so the shares of
a document may differ from its VAT total by a cent. Credit notes count negative. Amounts not
tied to a line (penalties, account-level adjustments) are under `line_id` None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from telcobill.money import ZERO, vat_of

from ..models import DocumentKind, InvoiceLine, InvoiceStatus


@dataclass(frozen=True)
class LineCharge:
    invoice_id: int
    line_id: int | None
    net: Decimal  # excl. VAT
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def line_charges(invoice_ids: Iterable[int]) -> dict[tuple[int, int | None], LineCharge]:
    """Per (document, line), the amounts of the given issued documents (one query)."""
    by_rate: dict[tuple[int, int | None], list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    rows = (InvoiceLine.objects.filter(invoice_id__in=list(invoice_ids), invoice__status=InvoiceStatus.ISSUED)
            .values("invoice_id", "invoice__kind", "line_id", "vat_category", "vat_rate")
            .annotate(net=Sum("net_amount")).order_by())
    for row in rows:
        sign = -1 if row["invoice__kind"] == DocumentKind.CREDIT_NOTE else 1
        by_rate[(row["invoice_id"], row["line_id"])].append((row["vat_category"], row["vat_rate"], sign * row["net"]))
    result = {}
    for key, parts in by_rate.items():
        net = sum((amount for _, _, amount in parts), ZERO)
        vat = sum((vat_of(amount, rate) if category == "S" else ZERO for category, rate, amount in parts), ZERO)
        result[key] = LineCharge(key[0], key[1], net, vat)
    return result
