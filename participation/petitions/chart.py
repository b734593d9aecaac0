"""Signatures per day as a bar chart drawn on the server (inline SVG in `_chart.html`).

Only numbers and our own translated labels go into the SVG; the template escapes them as any
text. Colours come from classes in site.css (no style attributes under the CSP). Paper
signatures are stacked on the online ones in a pattern of their own, so they stay marked as
such. The page puts a data table next to the chart for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from participation.petitions.counts import DayCount

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28  # room for the axis labels
MAX_DAYS = 400  # a longer history shows its last days; the table keeps every day


@dataclass(frozen=True)
class Bar:
    day: date
    x: float
    width: float
    online_y: float
    online_height: float
    paper_y: float
    paper_height: float
    online: int
    paper: int

    @property
    def total(self) -> int:
        return self.online + self.paper


@dataclass(frozen=True)
class GridLine:
    y: float
    value: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    grid: list[GridLine]
    first_day: date
    last_day: date
    busiest: Bar | None  # the day with the most signatures (the first such day)
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def has_paper(self) -> bool:
        return any(bar.paper for bar in self.bars)


def nice_maximum(value: int) -> int:
    """The top of the scale: 1, 2 or 5 times a power of ten, at least `value` (and at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def build(days: list[DayCount], start: date | None = None, end: date | None = None) -> Chart | None:
    """One bar per day from `start` (or the first day with signatures) to `end` (or the last),
    days without signatures included; None without any signature."""
    if not days:
        return None
    by_day = {d.day: d for d in days}
    first = min(start or days[0].day, days[0].day)
    last = max(end or days[-1].day, days[-1].day)
    first = max(first, last - timedelta(days=MAX_DAYS - 1))
    count = (last - first).days + 1
    top = nice_maximum(max(d.total for d in days))
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - RIGHT - LEFT) / count
    gap = slot * 0.15 if slot >= 4 else 0

    def y_of(value: float) -> float:
        return round(TOP + plot_height * (1 - value / top), 2)

    bars = []
    for index in range(count):
        day = first + timedelta(days=index)
        record = by_day.get(day)
        online, paper = (record.online, record.paper) if record else (0, 0)
        online_y, paper_y = y_of(online), y_of(online + paper)
        bars.append(Bar(
            day=day, x=round(LEFT + index * slot + gap / 2, 2), width=round(slot - gap, 2),
            online_y=online_y, online_height=round(HEIGHT - BOTTOM - online_y, 2),
            paper_y=paper_y, paper_height=round(online_y - paper_y, 2), online=online, paper=paper,
        ))
    grid = [GridLine(y_of(value), value) for value in sorted({0, top // 2, top})]
    busiest = max(bars, key=lambda bar: (bar.total, -bar.day.toordinal()))
    return Chart(bars=bars, grid=grid, first_day=first, last_day=last, busiest=busiest,
                 total=sum(bar.total for bar in bars))
