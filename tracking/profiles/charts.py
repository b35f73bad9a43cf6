"""The grades chart of a profile as plain numbers: one chart per qualification, one line per
kind of grade (target, predicted, mock, final) over time. Pure logic, no Flask: the Jinja macro
profiles/_grade_chart.html draws it as inline SVG, the same on screen and in the PDF."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from tracking.current import oldest_first
from tracking.grades import (
    GradeEntry,
    GradeKind,
    Qualification,
    parse_qualification,
    points,
    scale,
)

CHARTED_QUALIFICATIONS = (
    Qualification.GCSE_MATHS,
    Qualification.A_LEVEL_MATHS,
    Qualification.A_LEVEL_FURTHER_MATHS,
)
CHARTED_KINDS = (GradeKind.TARGET, GradeKind.PREDICTED, GradeKind.MOCK, GradeKind.FINAL)

WIDTH, HEIGHT = 420, 150
LEFT, RIGHT, TOP, BOTTOM = 30, 12, 10, 22


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str  # e.g. "Mock 12/03/2026: 6"


@dataclass(frozen=True)
class Series:
    kind: str
    label: str
    points: list[ChartPoint]


@dataclass(frozen=True)
class GradeChart:
    """A chart ready to draw: coordinates in a WIDTH x HEIGHT box, ticks and a description."""

    title: str
    width: int
    height: int
    left: int
    right: int
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    series: list[Series] = field(default_factory=list)

    @property
    def description(self) -> str:
        """A text version of the chart for screen readers and the PDF's tags."""
        parts = []
        for s in self.series:
            parts.append(f"{s.label}: " + ", ".join(p.label.split(" ", 1)[-1] for p in s.points))
        return f"{self.title} grades over time. " + "; ".join(parts)


def _x_scale(days: list[date]) -> callable:
    first, last = min(days), max(days)
    span = (last - first).days
    usable = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        if span == 0:
            return LEFT + usable / 2
        return LEFT + (day - first).days / span * usable

    return x


def grade_chart(
    qualification: Qualification | str, entries: Iterable[GradeEntry]
) -> GradeChart | None:
    """Return the chart of one qualification's grades, or None when it has none to chart.
    Raises GradeError for a grade off the qualification's scale."""
    qualification = parse_qualification(qualification)
    chosen = [
        e for e in entries if e.qualification == qualification and e.kind in set(CHARTED_KINDS)
    ]
    if not chosen:
        return None
    grades = scale(qualification)  # highest first, U last
    top_points = points(qualification, grades[0])
    usable = HEIGHT - TOP - BOTTOM

    def y(value: int) -> float:
        return TOP + (top_points - value) / (top_points or 1) * usable

    x = _x_scale([e.recorded_on for e in chosen])
    series = []
    for kind in CHARTED_KINDS:
        of_kind = oldest_first(e for e in chosen if e.kind == kind)
        if of_kind:
            series.append(
                Series(
                    kind.value,
                    kind.label,
                    [
                        ChartPoint(
                            x(e.recorded_on),
                            y(points(qualification, e.grade)),
                            f"{kind.label} {e.recorded_on.strftime('%d/%m/%Y')}: {e.grade}",
                        )
                        for e in of_kind
                    ],
                )
            )
    days = sorted({e.recorded_on for e in chosen})
    # At most five date labels, evenly picked, so they never overlap.
    step = max(1, -(-len(days) // 5))
    x_ticks = [(x(day), day.strftime("%m/%y")) for day in days[::step]]
    # A long scale (9-1, U) gets every other label: enough to read, fewer lines to draw.
    labelled = grades if len(grades) <= 7 else [g for g in grades if g == "U" or int(g) % 2]
    y_ticks = [(y(points(qualification, g)), g) for g in labelled]
    return GradeChart(
        title=qualification.label,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        series=series,
    )


def grade_charts(entries: Iterable[GradeEntry]) -> list[GradeChart]:
    """Return the charts of every charted qualification the student has grades in."""
    entries = list(entries)
    charts = [grade_chart(q, entries) for q in CHARTED_QUALIFICATIONS]
    return [c for c in charts if c is not None]
