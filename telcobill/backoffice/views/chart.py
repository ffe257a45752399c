"""A bar chart drawn on the server as SVG: geometry only (plain data in, positions out), laid
out by the template `backoffice/bar_chart.html`. No JavaScript, nothing fetched from elsewhere."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 28, 64  # room for the amounts on the y axis and the labels below


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the amount, printed above the bar
    x: float
    y: float
    width: float
    height: float
    index: int

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class BarChart:
    title: str
    desc: str
    x_title: str
    y_title: str
    bars: list[Bar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def x_title_y(self) -> int:
        return self.height - 12

    @property
    def y_title_x(self) -> int:
        return 16

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2


def nice_step(maximum: Decimal, count: int = 5) -> Decimal:
    """The gap between `count` or so gridlines up to `maximum`: 1, 2, 2.5 or 5 times a power of 10."""
    if maximum <= 0:
        return Decimal(1)
    raw = maximum / count
    magnitude = Decimal(10) ** (raw.adjusted())
    for multiple in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5)):
        if multiple * magnitude >= raw:
            return multiple * magnitude
    return 10 * magnitude  # 10 × magnitude ≥ raw, by definition of the magnitude


def bar_chart(values: list[tuple[str, Decimal]], *, title: str, desc: str, x_title: str, y_title: str,
              amount_text: Callable[[Decimal], str], tick_text: Callable[[Decimal, int], str]) -> BarChart:
    """Bars for (label, amount) pairs, from 0 to the first gridline at or above the largest amount.
    Gridlines are labelled by `tick_text(value, decimals)`: no decimals unless the step has some."""
    largest = max((amount for _, amount in values), default=Decimal(0))
    step = nice_step(largest)
    top_value = step * max(1, math.ceil(largest / step))
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - RIGHT - LEFT) / max(len(values), 1)

    def y_of(amount: Decimal) -> float:
        return round(HEIGHT - BOTTOM - float(amount / top_value) * plot_height, 1)

    bars = []
    for index, (label, amount) in enumerate(values):
        y = y_of(max(amount, Decimal(0)))
        bars.append(Bar(label=label, text=amount_text(amount), x=round(LEFT + slot * index + slot * 0.18, 1), y=y,
                        width=round(slot * 0.64, 1), height=round(HEIGHT - BOTTOM - y, 1), index=index))
    decimals = 0 if step == step.to_integral_value() else 2
    ticks = [Tick(y=y_of(step * n), text=tick_text(step * n, decimals)) for n in range(int(top_value / step) + 1)]
    return BarChart(title=title, desc=desc, x_title=x_title, y_title=y_title, bars=bars, ticks=ticks)
