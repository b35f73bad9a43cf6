"""Scale scores, Cronbach's alpha and summaries for survey answers. Pure logic, no Flask.

Answers come in as plain dicts: one student's answers are `{item_id: value}` and a set of
students is `{student_id: {item_id: value}}`, with values as stored (before reverse coding).
A missing item, or a value of None, means "not answered". Answers to items outside the scale
being scored are ignored; an answer value the item does not offer raises ValueError, because
scoring it would quietly give a wrong number.

- Reverse coding: a reverse-coded item's value v counts as (lowest + highest - v).
- Scale score: the mean of the answered items after reverse coding, or None when fewer than
  the scale's `min_answered` items are answered.
- Anchor score: the same mean over a scale's anchor items only (shared, identically worded,
  by the KS3 and KS4 forms of an instrument), needing all but one anchor answered.
- Cronbach's alpha: k/(k-1) * (1 - sum of item variances / variance of totals), over complete
  cases only (students who answered every item of the scale), with sample variances (n-1).
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from surveys.instruments import Instrument, Scale

StudentId = TypeVar("StudentId", bound=Hashable)
Answers = Mapping[str, int | None]


@dataclass(frozen=True)
class ScaleSummary:
    """Statistics of one scale over a set of students (one session, group or wave).

    `n` counts students with a valid score; `mean` is None when n is 0 and `sd` (sample
    standard deviation) when n is below 2; `alpha` is None when it cannot be computed;
    `n_complete` counts students who answered every item of the scale.
    """

    scale_key: str
    n: int
    mean: float | None
    sd: float | None
    alpha: float | None
    n_complete: int


def coded_value(instrument: Instrument, item_id: str, value: int) -> int:
    """Return the value that counts towards a score: reversed for a reverse-coded item.

    With options 1..4 a reverse-coded 1 counts as 4 (1 + 4 - 1). Raises KeyError for an
    unknown item and ValueError for a value the item does not offer.
    """
    item = instrument.item(item_id)
    values = instrument.option_values(item_id)
    if not instrument.is_valid_answer(item_id, value):
        raise ValueError(f"{value!r} is not an answer to item '{item_id}' (allowed: {values})")
    if item.reverse:
        return values[0] + values[-1] - value
    return value


def answered_values(instrument: Instrument, scale_key: str, answers: Answers) -> list[int]:
    """Return the coded values of the answered items of a scale, in the scale's item order."""
    scale = _scored_scale(instrument, scale_key)
    return [
        coded_value(instrument, item_id, answers[item_id])
        for item_id in scale.item_ids
        if answers.get(item_id) is not None
    ]


def scale_score(instrument: Instrument, scale_key: str, answers: Answers) -> float | None:
    """Return one student's score on a scale, or None if too few items are answered.

    The score is the mean of the answered items after reverse coding. Raises KeyError for an
    unknown scale and ValueError for a scale that is not scored.
    """
    scale = _scored_scale(instrument, scale_key)
    values = answered_values(instrument, scale_key, answers)
    if len(values) < scale.min_answered:
        return None
    return statistics.fmean(values)


def anchor_score(instrument: Instrument, scale_key: str, answers: Answers) -> float | None:
    """Return a student's score on a scale's anchor items alone (the items worded the same in
    every form of the instrument), so that scores on two forms compare: the mean of the
    answered anchors after reverse coding, or None when more than one anchor is unanswered
    or the scale has fewer than two anchors."""
    anchors = instrument.anchor_items(_scored_scale(instrument, scale_key).key)
    values = [
        coded_value(instrument, item.id, answers[item.id])
        for item in anchors
        if answers.get(item.id) is not None
    ]
    if len(anchors) < 2 or len(values) < len(anchors) - 1:
        return None
    return statistics.fmean(values)


def student_scores(instrument: Instrument, answers: Answers) -> dict[str, float | None]:
    """Return one student's score on every scored scale, keyed by scale key, in file order."""
    return {
        scale.key: scale_score(instrument, scale.key, answers) for scale in instrument.scored_scales
    }


def scores_by_student(
    instrument: Instrument, responses: Mapping[StudentId, Answers]
) -> dict[StudentId, dict[str, float | None]]:
    """Return `{student_id: {scale_key: score or None}}` for every student given."""
    return {student: student_scores(instrument, answers) for student, answers in responses.items()}


def complete_cases(
    instrument: Instrument, scale_key: str, responses: Mapping[StudentId, Answers]
) -> list[list[int]]:
    """Return one row of coded values per student who answered every item of the scale."""
    scale = _scored_scale(instrument, scale_key)
    rows = []
    for answers in responses.values():
        if all(answers.get(item_id) is not None for item_id in scale.item_ids):
            rows.append(answered_values(instrument, scale_key, answers))
    return rows


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Return Cronbach's alpha of complete rows (one per student, one column per item).

    alpha = k/(k-1) * (1 - sum of item variances / variance of row totals), sample variances.
    Returns None with fewer than 2 rows, fewer than 2 items, or totals that do not vary.
    Raises ValueError if the rows are not all the same length.
    """
    if len(rows) < 2:
        return None
    k = len(rows[0])
    if any(len(row) != k for row in rows):
        raise ValueError("every row must have one value per item")
    if k < 2:
        return None
    total_variance = statistics.variance([sum(row) for row in rows])
    if total_variance == 0:
        return None
    item_variances = sum(statistics.variance(column) for column in zip(*rows, strict=True))
    return float(k / (k - 1) * (1 - item_variances / total_variance))


def scale_alpha(
    instrument: Instrument, scale_key: str, responses: Mapping[StudentId, Answers]
) -> float | None:
    """Return Cronbach's alpha of a scale over the students' complete cases, or None."""
    return cronbach_alpha(complete_cases(instrument, scale_key, responses))


def summarise_scale(
    instrument: Instrument, scale_key: str, responses: Mapping[StudentId, Answers]
) -> ScaleSummary:
    """Return n, mean, sample SD, alpha and complete cases of one scale over the students."""
    scores = [
        score
        for answers in responses.values()
        if (score := scale_score(instrument, scale_key, answers)) is not None
    ]
    rows = complete_cases(instrument, scale_key, responses)
    return ScaleSummary(
        scale_key=scale_key,
        n=len(scores),
        mean=statistics.fmean(scores) if scores else None,
        sd=statistics.stdev(scores) if len(scores) >= 2 else None,
        alpha=cronbach_alpha(rows),
        n_complete=len(rows),
    )


def summarise(
    instrument: Instrument, responses: Mapping[StudentId, Answers]
) -> dict[str, ScaleSummary]:
    """Return a ScaleSummary for every scored scale, keyed by scale key, in file order."""
    return {
        scale.key: summarise_scale(instrument, scale.key, responses)
        for scale in instrument.scored_scales
    }


def answer_counts(
    instrument: Instrument, responses: Mapping[StudentId, Answers]
) -> dict[str, dict[int, int]]:
    """Return `{item_id: {value: number of students}}` for every item, every option included.

    This is how unscored questions (such as plans for A-level Maths) are reported. Values are
    counted as stored, not reverse-coded. Raises ValueError for a value the item does not offer.
    """
    counts = {
        item.id: dict.fromkeys(instrument.option_values(item.id), 0) for item in instrument.items
    }
    for answers in responses.values():
        for item_id, value in answers.items():
            if value is None or item_id not in counts:
                continue
            if not instrument.is_valid_answer(item_id, value):
                raise ValueError(f"{value!r} is not an answer to item '{item_id}'")
            counts[item_id][value] += 1
    return counts


def _scored_scale(instrument: Instrument, scale_key: str) -> Scale:
    scale = instrument.scale(scale_key)
    if not scale.scored:
        raise ValueError(f"scale '{scale_key}' of {instrument.key} is not scored")
    return scale
