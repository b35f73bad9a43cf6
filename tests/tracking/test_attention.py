"""The needs-attention rules, at their boundaries."""

from datetime import date

import pytest

from tracking.attention import needs_attention, reasons, spring_of_year_11
from tracking.grades import GradeEntry
from tracking.outcomes import Post16Entry, StudentOutcomeData, SurveyScore

# Entry 2021: Year 11 in 2025/26 (spring term from 1 Jan 2026), Year 13 in 2027/28.
ENTRY = 2021
TODAY = date(2025, 11, 20)  # autumn of Year 11: the post-16 rule does not apply yet


def gcse(kind, grade, on=date(2025, 10, 1), id=1):
    return GradeEntry("gcse_maths", kind, grade, None, on, id)


def score(scale, value, on, session_id=0):
    return SurveyScore(scale, value, on, None, session_id)


def student(grades=(), scores=(), post16=(), id=1, entry_year=ENTRY):
    return StudentOutcomeData(
        student_id=id,
        school_id=1,
        entry_year=entry_year,
        grades=tuple(grades),
        survey_scores=tuple(scores),
        post16=tuple(post16),
    )


# --- Predicted below target or below 7 -----------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "target", "reason"),
    [
        ("7", "8", "Predicted GCSE Maths grade 7 is below the target of 8"),
        ("5", "6", "Predicted GCSE Maths grade 5 is below the target of 6 and below 7"),
        ("6", "5", "Predicted GCSE Maths grade 6 is below 7"),
        ("6", None, "Predicted GCSE Maths grade 6 is below 7"),
        ("U", "9", "Predicted GCSE Maths grade U is below the target of 9 and below 7"),
        ("7", "7", None),  # on target and at 7
        ("8", "7", None),
        ("7", None, None),
        ("9", "9", None),
    ],
)
def test_predicted_below_target_or_below_7(predicted, target, reason):
    grades = [gcse("predicted", predicted, id=1)]
    if target:
        grades.append(gcse("target", target, id=2))
    assert reasons(student(grades), TODAY) == ([reason] if reason else [])


def test_no_prediction_no_grade_reason():
    assert reasons(student([gcse("target", "9")]), TODAY) == []


def test_the_current_prediction_and_target_are_the_newest():
    grades = [
        gcse("predicted", "5", date(2025, 9, 10), id=1),
        gcse("predicted", "7", date(2025, 11, 1), id=2),  # current
        gcse("target", "8", date(2025, 9, 10), id=3),
        gcse("target", "7", date(2025, 10, 1), id=4),  # current
    ]
    assert reasons(student(grades), TODAY) == []


def test_a_prediction_dated_after_today_is_not_yet_looked_at():
    grades = [
        gcse("predicted", "7", date(2025, 10, 1), id=1),
        gcse("predicted", "5", date(2025, 11, 21), id=2),  # the day after TODAY
    ]
    assert reasons(student(grades), TODAY) == []
    assert reasons(student(grades), date(2025, 11, 21)) == [
        "Predicted GCSE Maths grade 5 is below 7"
    ]


def test_no_prediction_reason_once_the_final_grade_is_in():
    grades = [
        gcse("predicted", "5", date(2026, 3, 1), id=1),
        GradeEntry("gcse_maths", "final", "6", "higher", date(2026, 8, 20), 2),
    ]
    assert reasons(student(grades, post16=[_intention()]), date(2026, 8, 19)) == [
        "Predicted GCSE Maths grade 5 is below 7"
    ]
    assert reasons(student(grades, post16=[_intention()]), date(2026, 8, 20)) == []


def test_other_qualifications_predictions_do_not_count():
    grades = [GradeEntry("a_level_maths", "predicted", "C", None, date(2025, 10, 1), 1)]
    assert reasons(student(grades), TODAY) == []


# --- Enjoyment or self-efficacy fell by 0.5 or more ----------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "flagged"),
    [
        (3.5, 3.0, True),  # fell by exactly 0.5: counts
        (3.5, 3.01, False),  # fell by 0.49
        (3.5, 2.0, True),
        (3.0, 3.0, False),
        (2.0, 3.5, False),  # rose
        # Means of six items, 13/6 then 10/6: the floats differ by 0.4999999999999998.
        (13 / 6, 10 / 6, True),
    ],
)
def test_a_fall_of_half_a_point_or_more_between_the_last_two_surveys(before, after, flagged):
    scores = [score("enjoyment", before, date(2025, 10, 1)), score("enjoyment", after, TODAY)]
    assert bool(reasons(student(scores=scores), TODAY)) is flagged


def test_the_reason_says_by_how_much_and_when():
    scores = [score("self_efficacy", 3.5, date(2025, 3, 5)), score("self_efficacy", 2.75, TODAY)]
    assert reasons(student(scores=scores), TODAY) == [
        "Self-efficacy fell by 0.75 (from 3.5 to 2.75) between the surveys of "
        "5 Mar 2025 and 20 Nov 2025"
    ]


def test_only_the_last_two_surveys_count():
    # 3.5 -> 2.0 long ago, then 2.0 -> 2.25: the last two did not fall.
    scores = [
        score("enjoyment", 3.5, date(2024, 10, 1)),
        score("enjoyment", 2.0, date(2025, 3, 1)),
        score("enjoyment", 2.25, date(2025, 10, 1)),
    ]
    assert reasons(student(scores=scores), TODAY) == []
    # Given in any order, the surveys are put in date order first.
    assert reasons(student(scores=list(reversed(scores))), TODAY) == []


def test_two_surveys_on_one_day_are_ordered_by_session():
    scores = [
        score("enjoyment", 2.0, date(2025, 10, 1), session_id=8),
        score("enjoyment", 3.0, date(2025, 10, 1), session_id=7),
    ]
    assert reasons(student(scores=scores), TODAY) == [
        "Enjoyment fell by 1 (from 3 to 2) between the surveys of 1 Oct 2025 and 1 Oct 2025"
    ]


def test_one_survey_is_not_a_fall_and_a_survey_after_today_is_not_looked_at():
    scores = [score("enjoyment", 3.5, date(2025, 10, 1)), score("enjoyment", 1.0, date(2026, 1, 9))]
    assert reasons(student(scores=scores[:1]), TODAY) == []
    assert reasons(student(scores=scores), TODAY) == []
    assert len(reasons(student(scores=scores), date(2026, 1, 9))) == 2  # and no intention


def test_each_scale_is_judged_on_its_own_and_other_scales_are_ignored():
    # Interleaved: enjoyment 3.5 -> 3.0 and self-efficacy 3.0 -> 2.0 both fell; aspirations
    # 4.0 -> 1.0 is not a watched scale.
    scores = [
        score("enjoyment", 3.5, date(2025, 9, 20)),
        score("self_efficacy", 3.0, date(2025, 9, 21)),
        score("aspirations", 4.0, date(2025, 9, 22)),
        score("enjoyment", 3.0, date(2025, 11, 1)),
        score("self_efficacy", 2.0, date(2025, 11, 2)),
        score("aspirations", 1.0, date(2025, 11, 3)),
    ]
    found = reasons(student(scores=scores), TODAY)
    assert [reason.split(" fell")[0] for reason in found] == ["Enjoyment", "Self-efficacy"]


# --- No post-16 intention by the spring of Year 11 -----------------------------------------


def _intention(subject="none", status="considering", on=date(2025, 11, 1)):
    return Post16Entry(subject, status, on, 1)


NO_INTENTION = "No post-16 maths intention recorded (due by the spring term of Year 11)"


def test_spring_of_year_11_starts_on_1_january_of_the_year_11_academic_year():
    # Entered Year 7 in Sept 2021 -> Year 11 in 2025/26 -> spring from 1 Jan 2026.
    assert spring_of_year_11(2021) == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("today", "flagged"),
    [
        (date(2025, 12, 31), False),  # autumn of Year 11: not due yet
        (date(2026, 1, 1), True),  # first day of the spring term
        (date(2026, 6, 30), True),
        (date(2028, 8, 31), True),  # last day of Year 13
        (date(2028, 9, 1), False),  # left school
    ],
)
def test_no_post16_intention_from_the_spring_of_year_11(today, flagged):
    assert reasons(student(), today) == ([NO_INTENTION] if flagged else [])


@pytest.mark.parametrize(
    "record",
    [
        _intention("none", "considering"),
        _intention("a_level_maths", "considering"),
        _intention("core_maths", "applied"),
        _intention("a_level_maths", "withdrawn"),
    ],
)
def test_any_post16_record_counts_as_an_intention(record):
    assert reasons(student(post16=[record]), date(2026, 1, 1)) == []


def test_an_intention_recorded_after_today_does_not_count_yet():
    late = _intention(on=date(2026, 2, 1))
    assert reasons(student(post16=[late]), date(2026, 1, 15)) == [NO_INTENTION]
    assert reasons(student(post16=[late]), date(2026, 2, 1)) == []


def test_younger_students_are_not_asked_for_an_intention():
    year_10 = student(entry_year=2022)  # Year 10 in 2025/26
    assert reasons(year_10, date(2026, 1, 1)) == []


# --- All students --------------------------------------------------------------------------


def test_needs_attention_lists_only_students_with_reasons_in_order():
    on_track = student(
        [gcse("predicted", "8"), gcse("target", "8", id=2)], post16=[_intention()], id=7
    )
    behind = student([gcse("predicted", "6")], post16=[_intention()], id=3)
    silent = student(id=5)
    everything = student(
        [gcse("predicted", "5"), gcse("target", "6", id=2)],
        scores=[score("enjoyment", 3.0, date(2025, 10, 1)), score("enjoyment", 2.5, TODAY)],
        id=9,
    )
    day = date(2026, 1, 1)
    assert needs_attention([on_track, behind, silent, everything], day) == {
        3: ["Predicted GCSE Maths grade 6 is below 7"],
        5: [NO_INTENTION],
        9: [
            "Predicted GCSE Maths grade 5 is below the target of 6 and below 7",
            "Enjoyment fell by 0.5 (from 3 to 2.5) between the surveys of "
            "1 Oct 2025 and 20 Nov 2025",
            NO_INTENTION,
        ],
    }
    assert needs_attention([], day) == {}
