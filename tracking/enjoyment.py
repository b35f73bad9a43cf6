"""Outcome 1: enjoying and engaging in maths at ages 11-16, as the paired change within
students. Pure logic over `tracking.outcomes.StudentOutcomeData`, no Flask, no database.

The headline is, per cohort (Year 7 entry year) and separately for target students and their
non-target classmates, the mean of each student's own change between two waves: their
earliest and their latest wave in Years 7-11, with n the number of such pairs. A student
scored in only one wave is not paired (`unpaired`); one never scored in Years 7-11 is
`unscored`. Wave means over everyone scored in a wave ("pooled wave means") are also given,
labelled as such: the students of two waves differ, so their difference is not a change.
docs/outcomes.md section 1 is this definition in plain English.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from app.academic import year_group
from surveys.waves import TERMS, Wave, wave_of

if TYPE_CHECKING:
    from tracking.outcomes import StudentOutcomeData, SurveyScore

DEFINITION_ID = "enjoyment_paired_change"
DEFINITION_VERSION = 2  # 1 was the change between pooled wave means

# Outcome 1 counts for ages 11-16: Years 7 to 11, at the time the survey was taken.
ENJOYMENT_SCALE = "enjoyment"
ENGAGEMENT_SCALE = "engagement"
FIRST_ENJOYMENT_YEAR = 7
LAST_ENJOYMENT_YEAR = 11
TARGET, NON_TARGET = "target", "non_target"
POOLED_NOTE = (
    "Pooled wave means: everyone scored in each wave, a different set of students each time. "
    "Not a change within students; the paired change is the outcome."
)


@dataclass(frozen=True)
class PairedChange:
    """The paired change on one scale of one group (targets or non-targets) of one cohort.

    `n` students were scored in two different waves of Years 7-11; `mean_change` is the mean
    of their own latest-minus-earliest score (None when n is 0), `sd_change` its sample SD
    (None when n < 2), `mean_first` and `mean_last` the means of those same students' two
    scores, `mean_terms_apart` how many terms apart their two waves are on average, and
    `earliest_wave` / `latest_wave` the span the pairs cover. `unpaired` students were scored
    in one wave only; `unscored` never in Years 7-11: `n + unpaired + unscored == students`.
    """

    cohort: int
    group: str
    students: int
    n: int
    mean_change: float | None
    sd_change: float | None
    mean_first: float | None
    mean_last: float | None
    mean_terms_apart: float | None
    earliest_wave: Wave | None
    latest_wave: Wave | None
    unpaired: int
    unscored: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "cohort": self.cohort,
            "group": self.group,
            "students": self.students,
            "n": self.n,
            "mean_change": self.mean_change,
            "sd_change": self.sd_change,
            "mean_first": self.mean_first,
            "mean_last": self.mean_last,
            "mean_terms_apart": self.mean_terms_apart,
            "earliest_wave": self.earliest_wave.label if self.earliest_wave else None,
            "latest_wave": self.latest_wave.label if self.latest_wave else None,
            "unpaired": self.unpaired,
            "unscored": self.unscored,
        }


@dataclass(frozen=True)
class PooledWaveMean:
    """The mean score of everyone scored in one wave (pooled: not a change within students)."""

    wave: Wave
    mean: float
    n: int


@dataclass(frozen=True)
class EnjoymentOutcome:
    """Outcome 1 on one scale: paired changes per cohort and group (cohorts oldest first,
    targets before non-targets), pooled wave means (oldest wave first), the students never
    scored in Years 7-11 (`unscored`) and the scores left out as taken outside those years."""

    scale: str
    paired: tuple[PairedChange, ...]
    pooled_wave_means: tuple[PooledWaveMean, ...]
    unscored: int
    outside_ages: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the outcome as a JSON-ready dict."""
        return {
            "definition": DEFINITION_ID,
            "version": DEFINITION_VERSION,
            "scale": self.scale,
            "paired_change": [paired.as_dict() for paired in self.paired],
            "pooled_wave_means": [
                {"wave": mean.wave.label, "wave_key": mean.wave.key, "mean": mean.mean, "n": mean.n}
                for mean in self.pooled_wave_means
            ],
            "pooled_wave_means_note": POOLED_NOTE,
            "unscored": self.unscored,
            "outside_ages": self.outside_ages,
        }


def wave_of_score(score: SurveyScore) -> Wave:
    """The wave a score belongs to: its session's wave, else the wave of the day it was taken."""
    return score.wave if score.wave is not None else wave_of(score.taken_on)


def scores_by_wave(
    student: StudentOutcomeData, scale: str = ENJOYMENT_SCALE
) -> tuple[dict[Wave, SurveyScore], int]:
    """Return the student's score per wave on `scale` in Years 7-11 (the later one where a
    wave has two: latest date, then highest session id), and how many scores on the scale
    were left out as taken outside Years 7-11."""
    by_wave: dict[Wave, SurveyScore] = {}
    outside = 0
    for score in student.survey_scores:
        if score.scale != scale:
            continue
        if not _in_enjoyment_years(student.entry_year, score.taken_on):
            outside += 1
            continue
        wave = wave_of_score(score)
        before = by_wave.get(wave)
        if before is None or _score_order(score) > _score_order(before):
            by_wave[wave] = score
    return by_wave, outside


def enjoyment_outcome(
    students: Sequence[StudentOutcomeData],
    scale: str = ENJOYMENT_SCALE,
    is_target: Callable[[StudentOutcomeData], bool] | None = None,
) -> EnjoymentOutcome:
    """Outcome 1 on `scale` (enjoyment, or engagement): the paired change within students per
    cohort, for targets and for their non-target classmates, and pooled wave means.

    A student's pair is their earliest and their latest wave with a score in Years 7-11 (the
    year group at the date the survey was taken); their change is latest minus earliest.
    `is_target` says who is a target (by default `StudentOutcomeData.is_target`; a caller
    can pass the target baseline instead). Every cohort of the set appears with both groups,
    even where a group has no students, so that an empty cell is visible rather than missing.
    """
    target = is_target or (lambda student: student.is_target)
    cells: dict[tuple[int, str], list[tuple[Wave, SurveyScore, Wave, SurveyScore] | int]] = {}
    pooled: dict[Wave, list[float]] = {}
    outside_ages = 0
    for student in students:
        by_wave, outside = scores_by_wave(student, scale)
        outside_ages += outside
        for wave, score in by_wave.items():
            pooled.setdefault(wave, []).append(score.score)
        for group in (TARGET, NON_TARGET):
            cells.setdefault((student.entry_year, group), [])
        cell = cells[(student.entry_year, TARGET if target(student) else NON_TARGET)]
        if len(by_wave) >= 2:
            first, last = min(by_wave), max(by_wave)
            cell.append((first, by_wave[first], last, by_wave[last]))
        else:
            cell.append(len(by_wave))  # 1: unpaired, 0: unscored
    paired = tuple(
        _paired_change(cohort, group, cells[(cohort, group)])
        for cohort, group in sorted(cells, key=lambda key: (key[0], key[1] != TARGET))
    )
    return EnjoymentOutcome(
        scale=scale,
        paired=paired,
        pooled_wave_means=tuple(
            PooledWaveMean(wave, statistics.fmean(scores), len(scores))
            for wave, scores in sorted(pooled.items())
        ),
        unscored=sum(cell.unscored for cell in paired),
        outside_ages=outside_ages,
    )


def terms_apart(first: Wave, last: Wave) -> int:
    """How many terms lie between two waves: Autumn 2024/25 to Spring 2025/26 is 4."""
    return (last.year - first.year) * len(TERMS) + TERMS.index(last.term) - TERMS.index(first.term)


def _paired_change(cohort: int, group: str, members: list) -> PairedChange:
    pairs = [member for member in members if not isinstance(member, int)]
    changes = [last.score - first.score for _, first, _, last in pairs]
    return PairedChange(
        cohort=cohort,
        group=group,
        students=len(members),
        n=len(pairs),
        mean_change=statistics.fmean(changes) if changes else None,
        sd_change=statistics.stdev(changes) if len(changes) >= 2 else None,
        mean_first=statistics.fmean(first.score for _, first, _, _ in pairs) if pairs else None,
        mean_last=statistics.fmean(last.score for _, _, _, last in pairs) if pairs else None,
        mean_terms_apart=(
            statistics.fmean(terms_apart(first, last) for first, _, last, _ in pairs)
            if pairs
            else None
        ),
        earliest_wave=min((first for first, _, _, _ in pairs), default=None),
        latest_wave=max((last for _, _, last, _ in pairs), default=None),
        unpaired=sum(1 for member in members if member == 1),
        unscored=sum(1 for member in members if member == 0),
    )


def _in_enjoyment_years(entry_year: int, taken_on: date) -> bool:
    return FIRST_ENJOYMENT_YEAR <= year_group(entry_year, taken_on) <= LAST_ENJOYMENT_YEAR


def _score_order(score: SurveyScore) -> tuple[date, int]:
    return (score.taken_on, score.session_id)
