"""Outcome 1 (enjoying and engaging, 11-16): the paired change within students, per cohort,
for targets and their non-target classmates, on hand-built students."""

import json
from datetime import date

import pytest

from surveys.waves import Wave
from tracking.enjoyment import (
    NON_TARGET,
    TARGET,
    PairedChange,
    PooledWaveMean,
    enjoyment_outcome,
    terms_apart,
)
from tracking.outcomes import StudentOutcomeData, SurveyScore, five_outcomes

AUT24, SPR25, SUM25 = Wave(2024, "autumn"), Wave(2024, "spring"), Wave(2024, "summer")
AUT25, SPR26 = Wave(2025, "autumn"), Wave(2025, "spring")


def pupil(student_id, entry_year=2022, target=False, scores=()):
    return StudentOutcomeData(
        student_id=student_id,
        school_id=1,
        entry_year=entry_year,
        is_target=target,
        survey_scores=tuple(scores),
    )


def score(value, wave, on=None, scale="enjoyment", session_id=0):
    on = on or {"autumn": date(wave.year, 10, 6), "spring": date(wave.year + 1, 2, 3)}.get(
        wave.term, date(wave.year + 1, 6, 16)
    )
    return SurveyScore(scale, value, on, wave, session_id)


def cell(outcome, cohort, group) -> PairedChange:
    return next(c for c in outcome.paired if (c.cohort, c.group) == (cohort, group))


def test_one_wave_only_is_not_paired_and_no_score_is_unscored():
    once = pupil(1, scores=[score(3.0, AUT24)])
    never = pupil(2)
    twice_in_one_wave = pupil(3, scores=[score(2.0, AUT24), score(3.0, AUT24, date(2024, 11, 1))])
    result = cell(enjoyment_outcome([once, never, twice_in_one_wave]), 2022, NON_TARGET)
    assert (result.students, result.n, result.unpaired, result.unscored) == (3, 0, 2, 1)
    assert (result.mean_change, result.sd_change, result.earliest_wave) == (None, None, None)


def test_the_change_is_each_students_latest_minus_earliest_wave_then_averaged():
    # A: Autumn 24/25 2.0, Spring 2.5, Autumn 25/26 3.5 -> earliest 2.0, latest 3.5: +1.5.
    # B: Spring 24/25 3.0, Summer 24/25 2.5 -> -0.5. Mean (+1.5 - 0.5) / 2 = +0.5 over n = 2;
    # pooled wave means would say Autumn 2.0 -> Autumn 3.5, +1.5: not the outcome.
    a = pupil(1, scores=[score(2.0, AUT24), score(2.5, SPR25), score(3.5, AUT25)])
    b = pupil(2, scores=[score(3.0, SPR25), score(2.5, SUM25)])
    outcome = enjoyment_outcome([a, b])
    result = cell(outcome, 2022, NON_TARGET)
    assert (result.n, result.mean_change, result.mean_first, result.mean_last) == (
        2,
        0.5,
        2.5,
        3.0,
    )
    assert result.sd_change == pytest.approx(1.41421356)  # changes +1.5 and -0.5
    assert (result.earliest_wave, result.latest_wave) == (AUT24, AUT25)
    assert result.mean_terms_apart == 2.0  # A 3 terms, B 1 term
    assert outcome.pooled_wave_means == (
        PooledWaveMean(AUT24, 2.0, 1),
        PooledWaveMean(SPR25, 2.75, 2),
        PooledWaveMean(SUM25, 2.5, 1),
        PooledWaveMean(AUT25, 3.5, 1),
    )


def test_two_cohorts_are_kept_apart():
    # Entry 2021 (Y10 in 2024/25) fell by 1.0; entry 2023 (Y8) rose by 0.5. Pooling them
    # would give -0.25; each cohort keeps its own figure and n.
    older = pupil(1, entry_year=2021, scores=[score(3.0, AUT24), score(2.0, AUT25)])
    younger = pupil(2, entry_year=2023, scores=[score(2.0, AUT24), score(2.5, AUT25)])
    outcome = enjoyment_outcome([younger, older])
    assert [(c.cohort, c.group, c.n, c.mean_change) for c in outcome.paired] == [
        (2021, TARGET, 0, None),
        (2021, NON_TARGET, 1, -1.0),
        (2023, TARGET, 0, None),
        (2023, NON_TARGET, 1, 0.5),
    ]


def test_targets_and_their_non_target_classmates_are_reported_separately():
    targets = [
        pupil(1, target=True, scores=[score(2.0, AUT24), score(3.0, AUT25)]),
        pupil(2, target=True, scores=[score(2.5, AUT24), score(3.0, AUT25)]),
        pupil(3, target=True),
    ]
    others = [pupil(4, scores=[score(3.0, AUT24), score(2.5, AUT25)])]
    outcome = enjoyment_outcome(targets + others)
    assert (cell(outcome, 2022, TARGET).n, cell(outcome, 2022, TARGET).mean_change) == (2, 0.75)
    assert cell(outcome, 2022, TARGET).unscored == 1
    assert (cell(outcome, 2022, NON_TARGET).n, cell(outcome, 2022, NON_TARGET).mean_change) == (
        1,
        -0.5,
    )
    # Who is a target can come from elsewhere (the target baseline): 4 counted as a target.
    by_baseline = enjoyment_outcome(targets + others, is_target=lambda s: s.student_id == 4)
    assert cell(by_baseline, 2022, TARGET).mean_change == -0.5
    assert cell(by_baseline, 2022, NON_TARGET).n == 2


def test_only_years_7_to_11_at_the_time_of_the_survey_count():
    # Entry 2020: Year 11 until 31 Aug 2025, Year 12 from 1 Sep 2025. Entry 2024: Year 6
    # until 31 Aug 2024.
    leaver = pupil(
        1,
        entry_year=2020,
        scores=[
            score(3.0, AUT24),
            score(3.5, SUM25, on=date(2025, 8, 31)),  # last day of Year 11: counts
            score(1.0, AUT25, on=date(2025, 9, 1)),  # first day of Year 12: left out
        ],
    )
    starter = pupil(2, entry_year=2024, scores=[score(1.0, SUM25, on=date(2024, 8, 31))])
    outcome = enjoyment_outcome([leaver, starter])
    assert cell(outcome, 2020, NON_TARGET).mean_change == 0.5
    assert cell(outcome, 2024, NON_TARGET).unscored == 1
    assert (outcome.outside_ages, outcome.unscored) == (2, 1)


def test_a_score_with_no_wave_is_in_the_wave_of_its_date_and_other_scales_are_ignored():
    no_wave = SurveyScore("enjoyment", 2.0, date(2024, 10, 10))  # Autumn 2024/25
    student = pupil(
        1,
        scores=[no_wave, score(3.0, SPR25), score(1.0, AUT25, scale="self_efficacy")],
    )
    assert cell(enjoyment_outcome([student]), 2022, NON_TARGET).mean_change == 1.0
    engagement = enjoyment_outcome([student], scale="engagement")
    assert cell(engagement, 2022, NON_TARGET).unscored == 1


def test_in_one_wave_the_later_session_counts():
    student = pupil(
        1,
        scores=[
            score(2.0, AUT24),
            score(4.0, AUT25, date(2025, 10, 3), session_id=5),
            score(3.0, AUT25, date(2025, 10, 3), session_id=9),  # same day, later session
        ],
    )
    assert cell(enjoyment_outcome([student]), 2022, NON_TARGET).mean_change == 1.0


def test_terms_apart():
    assert terms_apart(AUT24, SPR26) == 4
    assert terms_apart(SPR25, AUT25) == 2


def test_five_outcomes_report_enjoyment_and_engagement_json_ready_with_pooled_means_labelled():
    student = pupil(
        1,
        target=True,
        scores=[
            score(2.0, AUT24),
            score(3.0, AUT25),
            score(3.0, AUT24, scale="engagement"),
            score(2.5, AUT25, scale="engagement"),
        ],
    )
    result = five_outcomes([student])
    assert json.loads(json.dumps(result)) == result
    enjoyment, engagement = result["enjoyment"], result["engagement"]
    assert (enjoyment["definition"], enjoyment["version"]) == ("enjoyment_paired_change", 2)
    assert enjoyment["paired_change"][0] == {
        "cohort": 2022,
        "group": "target",
        "students": 1,
        "n": 1,
        "mean_change": 1.0,
        "sd_change": None,
        "mean_first": 2.0,
        "mean_last": 3.0,
        "mean_terms_apart": 3.0,
        "earliest_wave": "Autumn 2024/25",
        "latest_wave": "Autumn 2025/26",
        "unpaired": 0,
        "unscored": 0,
    }
    assert engagement["paired_change"][0]["mean_change"] == -0.5
    assert enjoyment["pooled_wave_means"][0] == {
        "wave": "Autumn 2024/25",
        "wave_key": "2024-autumn",
        "mean": 2.0,
        "n": 1,
    }
    assert "not a change within students" in enjoyment["pooled_wave_means_note"].lower()


def test_outcome_1_of_nobody():
    result = five_outcomes([])["enjoyment"]
    assert (result["paired_change"], result["pooled_wave_means"], result["unscored"]) == ([], [], 0)
