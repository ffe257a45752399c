"""Bar charts drawn on the server as SVG: one horizontal bar per month, its value printed at its
end, so a phone shows 13 months legibly and the chart reads without colour or JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 360  # viewBox units; the page scales it
LABELS = 88  # the months' column
VALUES = 86  # room after the longest bar for its printed value
ROW = 26
BAR = 16
TOP = 26  # the axis title above the months
BOTTOM = 40  # the scale and the quantity's axis title


@dataclass(frozen=True)
class Bar:
    label: str  # the month
    value: str  # printed at the bar's end
    y: int
    width: float
    estimate: bool  # the month in progress / not billed yet: drawn hatched and marked *

    @property
    def text_y(self) -> float:
        return self.y + BAR - 3.5

    @property
    def value_x(self) -> float:
        return LABELS + self.width + 6


@dataclass(frozen=True)
class Chart:
    key: str  # for the ids of title and desc
    title: str
    description: str  # every value in words, for screen readers
    axis: str  # what the bars measure, with its unit
    bars: tuple[Bar, ...]
    scale: str  # the value at the end of the axis

    width = WIDTH
    left = LABELS
    span = WIDTH - LABELS - VALUES

    @property
    def height(self) -> int:
        return TOP + ROW * len(self.bars) + BOTTOM

    @property
    def axis_y(self) -> int:
        return TOP + ROW * len(self.bars)

    @property
    def right(self) -> int:
        return LABELS + self.span

    @property
    def label_x(self) -> int:
        return LABELS - 6

    @property
    def title_y(self) -> int:
        return self.axis_y + 34

    @property
    def scale_y(self) -> int:
        return self.axis_y + 15

    @property
    def middle(self) -> float:
        return LABELS + self.span / 2


def bar_chart(key: str, title: str, axis: str, points: list[tuple[str, float, str, bool]], scale_text) -> Chart:
    """points: (month label, value, value as printed, estimate); `scale_text(top)` prints the
    axis end (nothing when every value is 0)."""
    highest = max((value for _, value, _, _ in points), default=0)
    top = highest or 1
    span = WIDTH - LABELS - VALUES
    bars = tuple(Bar(label, printed, TOP + ROW * index + (ROW - BAR) // 2, round(span * max(value, 0) / top, 1),
                     estimate) for index, (label, value, printed, estimate) in enumerate(points))
    description = " ; ".join(f"{label} : {printed}{' *' if estimate else ''}" for label, _, printed, estimate in points)
    return Chart(key, title, description, axis, bars, scale_text(highest) if highest else "")
