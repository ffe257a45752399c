"""Invariant 8: the lines are the total, to the cent; VAT is computed per rate, half-up."""

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from telcobill.billing.totals import compute_totals
from telcobill.money import excl_vat, to_cents, vat_of


@dataclass
class L:
    net_amount: Decimal
    vat_category: str
    vat_rate: Decimal
    vat_exemption_reason: str = ""


def test_vat_is_computed_on_the_sum_of_each_rate_half_up():
    totals = compute_totals([L(Decimal("9.16"), "S", Decimal("20")), L(Decimal("0.97"), "S", Decimal("20")),
                             L(Decimal("2.50"), "S", Decimal("5.5")), L(Decimal("40.00"), "O", Decimal("0"), "Hors")])
    assert [(v.category, v.rate, v.base, v.amount) for v in totals.vat_lines] == [
        ("S", Decimal("20"), Decimal("10.13"), Decimal("2.03")),
        ("S", Decimal("5.5"), Decimal("2.50"), Decimal("0.14")),
        ("O", Decimal("0"), Decimal("40.00"), Decimal("0.00")),
    ]
    assert (totals.net, totals.vat, totals.gross) == (Decimal("52.63"), Decimal("2.17"), Decimal("54.80"))


def test_half_a_cent_rounds_up():
    assert to_cents(Decimal("0.005")) == Decimal("0.01")
    assert to_cents(Decimal("-0.005")) == Decimal("-0.01")
    assert vat_of(Decimal("0.125"), Decimal("20")) == Decimal("0.03")  # 0.025 -> 0.03
    assert excl_vat(Decimal("19.99"), Decimal("20")) == Decimal("16.658333")


amounts = st.decimals(min_value=Decimal("-500"), max_value=Decimal("5000"), places=2, allow_nan=False)
rates = st.sampled_from([Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1")])
lines = st.lists(st.builds(L, amounts, st.just("S"), rates), min_size=1, max_size=60)


@given(lines)
def test_the_sum_of_the_lines_is_the_total(items):
    totals = compute_totals(items)
    assert totals.net == sum((i.net_amount for i in items), Decimal("0"))
    assert totals.vat == sum((v.amount for v in totals.vat_lines), Decimal("0"))
    assert totals.gross == totals.net + totals.vat
    for v in totals.vat_lines:
        assert v.base == sum((i.net_amount for i in items if i.vat_rate == v.rate), Decimal("0"))
        assert v.amount == (v.base * v.rate / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        assert abs(v.amount - v.base * v.rate / 100) <= Decimal("0.005")


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2), rates)
def test_an_advertised_price_incl_vat_is_found_again_within_a_cent(price, rate):
    net = to_cents(excl_vat(price, rate))
    assert abs(net + vat_of(net, rate) - price) <= Decimal("0.01")
