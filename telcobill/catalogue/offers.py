"""What is on sale to a customer: the plans and options of their segment, not retired, with their
monthly price on a day as the customer reads it (excl. and incl. VAT, to the cent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from telcobill.money import excl_vat, incl_vat, to_cents

from .models import Product, ProductKind, Segment
from .snapshot import CatalogueSnapshot, ProductInfo, load_snapshot


@dataclass(frozen=True)
class Amount:
    net: Decimal  # excl. VAT
    gross: Decimal  # incl. VAT

    @property
    def vat(self) -> Decimal:
        return self.gross - self.net


@dataclass(frozen=True)
class Offer:
    code: str
    kind: str
    name: str
    description: str
    price: Amount  # per month
    commitment_months: int
    compatible_plans: tuple[str, ...]  # options: the plans they go with (empty: all)


def price_of(product: ProductInfo, day: date, catalogue: CatalogueSnapshot) -> Amount:
    """A plan's or option's monthly price on `day`: the advertised one (incl. VAT for
    individuals, excl. VAT for businesses) and the other, to the cent."""
    price = product.price_on(day)
    rate = catalogue.vat(product.vat_rule).rate_on(day)
    if price.includes_vat:
        return Amount(to_cents(excl_vat(price.amount, rate)), to_cents(price.amount))
    return Amount(to_cents(price.amount), incl_vat(price.amount, rate))


def on_sale(kind: str, *, segment: str, on: date, language: str = "fr") -> list[Offer]:
    """The plans or options sold to `segment` ("individual" or "business") on `on`, cheapest
    tier first; a product without a price yet that day is not on sale."""
    catalogue = load_snapshot()
    offers = []
    for product in (Product.objects.filter(kind=kind, retired=False, segment__in=[Segment.ALL, segment])
                    .order_by("tier", "code")):
        try:
            info = catalogue.product(product.code)
            price = price_of(info, on, catalogue)
        except LookupError:
            continue
        offers.append(Offer(product.code, kind, info.label(language), product.description, price,
                            product.commitment_months,
                            tuple(product.compatible_plans) if kind == ProductKind.OPTION else ()))
    return offers
