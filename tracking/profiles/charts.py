"""The grades charts of a profile: one chart (app.charts) per qualification, one line per kind
of grade (target, predicted, mock, final) over time. Pure logic, no Flask."""

from __future__ import annotations

from collections.abc import Iterable

from app import charts
from tracking.current import oldest_first
from tracking.grades import (
    GradeEntry,
    GradeKind,
    Qualification,
    is_not_sat,
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


def grade_chart(
    qualification: Qualification | str, entries: Iterable[GradeEntry]
) -> charts.Chart | None:
    """Return the chart of one qualification's grades, or None when it has none to chart.
    Raises GradeError for a grade off the qualification's scale."""
    qualification = parse_qualification(qualification)
    chosen = [e for e in entries if e.qualification == qualification and e.kind in CHARTED_KINDS]
    grades = scale(qualification)  # highest first, U (0 points) last
    # A long scale (9-1, U) gets every other label: enough to read, fewer lines to draw.
    labelled = grades if len(grades) <= 7 else [g for g in grades if g == "U" or int(g) % 2]
    lines = [
        charts.Line(
            kind.value,
            kind.label,
            [
                charts.Reading(e.recorded_on, points(qualification, e.grade), e.grade)
                for e in oldest_first(chosen)
                if e.kind == kind and not is_not_sat(e.grade)
            ],
        )
        for kind in CHARTED_KINDS
    ]
    return charts.line_chart(
        qualification.label,
        "grade",
        lines,
        (0, points(qualification, grades[0])),
        [(points(qualification, g), g) for g in labelled],
    )


def grade_charts(entries: Iterable[GradeEntry]) -> list[charts.Chart]:
    """Return the charts of every charted qualification the student has grades in."""
    entries = list(entries)
    found = [grade_chart(q, entries) for q in CHARTED_QUALIFICATIONS]
    return [c for c in found if c is not None]
