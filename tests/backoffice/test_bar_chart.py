"""The receivables chart's geometry: gridlines at round amounts, bars scaled to the top gridline."""

from decimal import Decimal

import pytest

from telcobill.backoffice.views.chart import HEIGHT, bar_chart, nice_step


@pytest.mark.parametrize(("largest", "step"), [
    ("0", "1"), ("0.50", "0.1"), ("10.99", "2.5"), ("51.03", "20"), ("100", "20"), ("1234.50", "250"),
    ("99999", "20000"),
])
def test_gridlines_fall_on_round_amounts(largest, step):
    assert nice_step(Decimal(largest)) == Decimal(step)


def chart(*amounts: str):
    return bar_chart([(f"b{i}", Decimal(a)) for i, a in enumerate(amounts)], title="t", desc="d", x_title="x",
                     y_title="y", amount_text=lambda a: f"{a} €", tick_text=lambda a, d: f"{a:.{d}f}")


def test_bars_are_scaled_to_the_first_gridline_above_the_largest_amount():
    drawn = chart("10.99", "5.99", "0")
    assert [t.text for t in drawn.ticks] == ["0.00", "2.50", "5.00", "7.50", "10.00", "12.50"]
    bottom, top = drawn.ticks[0].y, drawn.ticks[-1].y
    assert (bottom, top) == (HEIGHT - 64, 28)
    tall, short, empty = drawn.bars
    assert tall.height == round((bottom - top) * 10.99 / 12.5, 1)
    assert short.height == round((bottom - top) * 5.99 / 12.5, 1)
    assert (empty.height, empty.y) == (0, bottom)
    assert [b.text for b in drawn.bars] == ["10.99 €", "5.99 €", "0 €"]
    assert tall.x < short.x < empty.x and tall.width == short.width


def test_no_amount_at_all_still_draws_an_axis():
    drawn = chart("0", "0")
    assert [t.text for t in drawn.ticks] == ["0", "1"] and all(b.height == 0 for b in drawn.bars)
