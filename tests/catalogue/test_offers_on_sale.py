"""What is on sale to a customer: their segment's plans and options, not retired, priced as the
customer reads them (incl. VAT advertised to individuals, excl. VAT to businesses)."""

from datetime import date
from decimal import Decimal

from telcobill.catalogue.models import Product
from telcobill.catalogue.offers import Amount, on_sale


def test_an_individual_is_offered_the_plans_of_their_segment_with_prices_incl_vat(catalogue):
    offers = on_sale("plan", segment="individual", on=date(2026, 11, 16))
    assert [(o.code, o.price, o.commitment_months) for o in offers] == [
        ("PLAN-S", Amount(Decimal("9.16"), Decimal("10.99")), 0),
        ("PLAN-12M", Amount(Decimal("12.49"), Decimal("14.99")), 12),
        ("PLAN-L", Amount(Decimal("16.66"), Decimal("19.99")), 0),
        ("PLAN-24M", Amount(Decimal("20.00"), Decimal("24.00")), 24),
    ]


def test_a_business_is_also_offered_its_own_plans_priced_excl_vat(catalogue):
    offers = {o.code: o for o in on_sale("plan", segment="business", on=date(2026, 11, 16))}
    assert offers["PRO"].price == Amount(Decimal("20.00"), Decimal("24.00"))
    assert offers["PLAN-S"].price.gross == Decimal("10.99")  # the price of the day (9.99 until August)
    assert on_sale("plan", segment="business", on=date(2026, 8, 31))[0].price.gross == Decimal("9.99")


def test_a_retired_product_is_no_longer_on_sale(catalogue):
    Product.objects.filter(code="OPT-X").update(retired=True)
    assert on_sale("option", segment="individual", on=date(2026, 11, 16)) == []
