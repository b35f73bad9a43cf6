"""Outcome 1: enjoyment of maths at ages 11-16, as the mean score per survey wave and its
change. Pure logic over `tracking.outcomes.StudentOutcomeData`, no Flask, no database."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from app.academic import academic_year, label, year_group

if TYPE_CHECKING:
    from tracking.outcomes import StudentOutcomeData, SurveyScore

# Enjoyment counts for ages 11-16: Years 7 to 11, at the time the survey was taken.
ENJOYMENT_SCALE = "enjoyment"
FIRST_ENJOYMENT_YEAR = 7
LAST_ENJOYMENT_YEAR = 11


@dataclass(frozen=True)
class WaveMean:
    """The mean score of one survey wave: over `n` students, the first taken on `first_taken_on`."""

    wave: str
    mean: float
    n: int
    first_taken_on: date


@dataclass(frozen=True)
class EnjoymentTrend:
    """Mean enjoyment per wave, oldest wave first, and how it changed.

    `change` is the last wave's mean minus the first's (None with fewer than two waves).
    Because the students of two waves can differ, `paired_change` is also given: the mean,
    over the `paired_n` students scored in both the first and the last wave, of their own
    change (None when there are none). `unknown` counts students of the set with no score in
    Years 7-11; `outside_ages` counts scores left out because they were taken outside those
    years.
    """

    waves: tuple[WaveMean, ...]
    change: float | None
    paired_change: float | None
    paired_n: int
    unknown: int
    outside_ages: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the trend as a JSON-ready dict (dates as ISO text)."""
        return {
            "waves": [
                {
                    "wave": wave.wave,
                    "mean": wave.mean,
                    "n": wave.n,
                    "first_taken_on": wave.first_taken_on.isoformat(),
                }
                for wave in self.waves
            ],
            "change": self.change,
            "paired_change": self.paired_change,
            "paired_n": self.paired_n,
            "unknown": self.unknown,
            "outside_ages": self.outside_ages,
        }


def term_of(on: date) -> str:
    """Return the school term a date falls in: "autumn" (1 September to 31 December),
    "spring" (1 January to 31 March) or "summer" (1 April to 31 August).

    Real terms move with Easter and each school's calendar; these fixed dates are the
    tracker's convention wherever a term has to be worked out from a date.
    """
    if on.month >= 9:
        return "autumn"
    if on.month <= 3:
        return "spring"
    return "summer"


def wave_name(score: SurveyScore) -> str:
    """Return the wave a score belongs to: its label, or "<academic year> <term>" without one.

    A score taken on 10 October 2025 without a label is in wave "2025/26 autumn".
    """
    if score.wave and score.wave.strip():
        return score.wave.strip()
    return f"{label(academic_year(score.taken_on))} {term_of(score.taken_on)}"


def enjoyment_by_wave(
    students: Sequence[StudentOutcomeData], scale: str = ENJOYMENT_SCALE
) -> EnjoymentTrend:
    """Outcome 1: the mean enjoyment score per wave for ages 11-16, and its change.

    Only scores taken in Years 7-11 count: the year group is worked out from the date the
    survey was taken and the student's Year 7 entry year (a student who entered Year 7 in
    2020 is in Year 11 in 2024/25 and Year 12 from 1 September 2025). A student counts once
    per wave: if they were scored twice in one wave, their later score is used. Waves are
    ordered by the first date any counted score in them was taken, then by name.
    """
    latest: dict[str, dict[int, SurveyScore]] = {}
    outside_ages = 0
    for student in students:
        for score in student.survey_scores:
            if score.scale != scale:
                continue
            if not _in_enjoyment_years(student.entry_year, score.taken_on):
                outside_ages += 1
                continue
            in_wave = latest.setdefault(wave_name(score), {})
            before = in_wave.get(student.student_id)
            if before is None or _score_order(score) > _score_order(before):
                in_wave[student.student_id] = score

    waves = sorted(
        (
            WaveMean(
                wave=name,
                mean=statistics.fmean(score.score for score in by_student.values()),
                n=len(by_student),
                first_taken_on=min(score.taken_on for score in by_student.values()),
            )
            for name, by_student in latest.items()
        ),
        key=lambda wave: (wave.first_taken_on, wave.wave),
    )
    scored = {student_id for by_student in latest.values() for student_id in by_student}
    unknown = sum(1 for student in students if student.student_id not in scored)

    change = paired_change = None
    paired_n = 0
    if len(waves) >= 2:
        change = waves[-1].mean - waves[0].mean
        first, last = latest[waves[0].wave], latest[waves[-1].wave]
        both = first.keys() & last.keys()
        paired_n = len(both)
        if both:
            paired_change = statistics.fmean(
                last[student_id].score - first[student_id].score for student_id in both
            )
    return EnjoymentTrend(
        waves=tuple(waves),
        change=change,
        paired_change=paired_change,
        paired_n=paired_n,
        unknown=unknown,
        outside_ages=outside_ages,
    )


def _in_enjoyment_years(entry_year: int, taken_on: date) -> bool:
    return FIRST_ENJOYMENT_YEAR <= year_group(entry_year, taken_on) <= LAST_ENJOYMENT_YEAR


def _score_order(score: SurveyScore) -> tuple[date, int]:
    return (score.taken_on, score.session_id)
