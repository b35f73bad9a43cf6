"""Line charts over time as plain numbers, for every chart of the app: a survey scale's scores,
a qualification's grades. Pure logic, no Flask: the macro in macros/chart.html draws a `Chart`
as inline SVG, the same markup on the page and in the PDF, with css/chart.css for its look.

A chart is a few lines (`Line`) of readings (`Reading`: a moment, a value and how people read
that value). Time runs left to right in proportion; values run bottom to top between the two
ends of the value range. Every chart carries its own text alternative: a short summary (its
accessible name) and a description with every reading's date."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

# The drawing box (SVG user units) and the margins that hold the axis labels.
WIDTH, HEIGHT = 420, 150
LEFT, RIGHT, TOP, BOTTOM = 30, 20, 10, 22
MAX_TIME_LABELS = 5  # more would overlap along the bottom

Tick = tuple[float, str]  # (position in the box, label)


@dataclass(frozen=True)
class Reading:
    """One value at one moment: `shown` is the value as people read it ("7", "A*"; two
    decimals when not given), `name` what the moment is called (a survey wave), else its date.
    A reading without a value (a score with too few answers) is not drawn."""

    on: date | datetime
    value: float | None
    shown: str | None = None
    name: str | None = None

    @property
    def text(self) -> str:
        return self.shown if self.shown is not None else f"{self.value:.2f}"

    @property
    def when(self) -> str:
        if self.name:
            return self.name
        if isinstance(self.on, datetime):
            return self.on.strftime("%d/%m/%Y %H:%M")
        return self.on.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Line:
    """The readings of one kind, in any order: `kind` names its look in chart.css
    (`chart-series-<kind>`), `label` is its name in the legend ("" for a chart of one line)."""

    kind: str
    label: str
    readings: Sequence[Reading]


@dataclass(frozen=True)
class Point:
    """A reading placed in the box."""

    x: float
    y: float
    label: str  # the point's tooltip, e.g. "Mock 12/03/2026: 6"
    text: str  # the value as read, e.g. "6"
    when: str  # the moment as read, e.g. "12/03/2026"


@dataclass(frozen=True)
class Series:
    """A line placed in the box, its points oldest first."""

    kind: str
    label: str
    points: list[Point]


@dataclass(frozen=True)
class Chart:
    """A chart ready to draw: coordinates in a WIDTH x HEIGHT box, ticks and its text."""

    title: str
    kind: str  # what is charted ("grade", "score"): the SVG's class is "<kind>-chart"
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    series: list[Series] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT

    @property
    def summary(self) -> str:
        """The chart in one line, values only: its accessible name."""
        return f"{self.title} over time: " + "; ".join(
            _named(s.label, ", ".join(p.text for p in s.points)) for s in self.series
        )

    @property
    def description(self) -> str:
        """Every value with its date or wave: the chart's text alternative in full."""
        return f"{self.title} over time. " + "; ".join(
            _named(s.label, ", ".join(f"{p.when}: {p.text}" for p in s.points)) for s in self.series
        )

    @property
    def dom_id(self) -> str:
        """An id for the chart's parts, from what it shows (unique on a page of charts)."""
        slug = "".join(c if c.isalnum() else "-" for c in self.title.lower()).strip("-")
        return f"chart-{self.kind}-{slug}"


def _named(label: str, values: str) -> str:
    return f"{label}: {values}" if label else values


def _moment(on: date | datetime) -> float:
    """Days since year 1 as a number (a datetime's time of day as a fraction of a day)."""
    if isinstance(on, datetime):
        midnight = on.replace(hour=0, minute=0, second=0, microsecond=0)
        return on.toordinal() + (on - midnight).total_seconds() / 86400
    return float(on.toordinal())


def line_chart(
    title: str,
    kind: str,
    lines: Iterable[Line],
    value_range: tuple[float, float],
    y_labels: Iterable[tuple[float, str]],
) -> Chart | None:
    """Return the chart of `lines` over time, or None when no line has a reading.

    `value_range` (lowest, highest) spans the height of the box; `y_labels` are the
    (value, label) pairs drawn on the left with a grid line each. Readings without a value and
    lines without readings are left out; each line's readings are drawn oldest first.
    """
    lines = [
        Line(line.kind, line.label, [r for r in line.readings if r.value is not None])
        for line in lines
    ]
    lines = [line for line in lines if line.readings]
    if not lines:
        return None
    low, high = value_range
    across, down = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    moments = [_moment(r.on) for line in lines for r in line.readings]
    first, span = min(moments), max(moments) - min(moments)

    def x(on: date | datetime) -> float:
        if span == 0:
            return LEFT + across / 2
        return LEFT + (_moment(on) - first) / span * across

    def y(value: float) -> float:
        return TOP + (high - value) / ((high - low) or 1) * down

    series = []
    for line in lines:
        readings = sorted(line.readings, key=lambda r: _moment(r.on))
        points = [
            Point(
                x(r.on),
                y(r.value),
                f"{line.label + ' ' if line.label else ''}{r.when}: {r.text}",
                r.text,
                r.when,
            )
            for r in readings
        ]
        series.append(Series(line.kind, line.label, points))
    return Chart(
        title=title,
        kind=kind,
        y_ticks=[(y(value), label) for value, label in y_labels],
        x_ticks=_time_ticks([r.on for line in lines for r in line.readings], x),
        series=series,
    )


def _time_ticks(
    moments: list[date | datetime], x: Callable[[date | datetime], float]
) -> list[Tick]:
    """Month/year labels under at most MAX_TIME_LABELS of the days charted, evenly picked."""
    by_day: dict[date, date | datetime] = {}
    for on in sorted(moments, key=_moment):
        day = on.date() if isinstance(on, datetime) else on
        by_day.setdefault(day, on)
    days = sorted(by_day)
    step = max(1, math.ceil(len(days) / MAX_TIME_LABELS))
    return [(x(by_day[day]), day.strftime("%m/%y")) for day in days[::step]]


def scale_chart(
    title: str, low: int, high: int, readings: Iterable[Reading], kind: str = "score"
) -> Chart | None:
    """Return the chart of one score on a scale of whole numbers `low` to `high` (every whole
    number labelled), or None when nothing was scored."""
    labels = [(level, str(level)) for level in range(low, high + 1)]
    return line_chart(title, kind, [Line("value", "", list(readings))], (low, high), labels)
