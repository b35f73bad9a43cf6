"""The needs-attention rules, at their boundaries."""

from datetime import date, timedelta

import pytest

from tracking.attention import needs_attention, reasons, spring_of_year_11
from tracking.attention_rules import (
    ChanceStats,
    InterventionSession,
    chance_threshold,
    missed_reasons,
)
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


# --- Enjoyment or self-efficacy fell by more than chance ----------------------------------

# A school's responses to one scale and version: 40 complete, SD 0.8, alpha 0.75 -> SEM 0.4.
RELIABLE = ChanceStats(n=40, n_complete=40, sd=0.8, alpha=0.75)
CHANCE = {(1, "enjoyment"): RELIABLE, (2, "enjoyment"): RELIABLE}


def fall(before, after, chance=CHANCE, scale="enjoyment"):
    scores = [
        score(scale, before, date(2025, 10, 1), session_id=1),
        score(scale, after, TODAY, session_id=2),
    ]
    return reasons(student(scores=scores), TODAY, chance)


def test_the_sem_is_the_sd_times_the_root_of_one_minus_alpha():
    threshold = chance_threshold(RELIABLE)
    assert threshold.basis == "sem"
    assert threshold.value == pytest.approx(0.4)  # 0.8 * sqrt(1 - 0.75)


@pytest.mark.parametrize(
    ("before", "after", "flagged"),
    [
        (3.5, 3.09, True),  # fell by 0.41: just over the SEM of 0.4
        (3.5, 3.1, False),  # fell by exactly the SEM: chance
        (3.5, 3.11, False),  # 0.39: just under
        (3.0, 3.0, False),
        (2.0, 3.5, False),  # rose
    ],
)
def test_a_fall_counts_only_beyond_the_scales_sem(before, after, flagged):
    assert bool(fall(before, after)) is flagged


def test_the_reason_says_the_size_of_the_fall_and_the_threshold():
    assert fall(3.5, 2.6) == [
        "Enjoyment fell by 0.9 (from 3.5 to 2.6) between the surveys of 1 Oct 2025 and "
        "20 Nov 2025, more than the 0.4 a score moves by chance"
    ]


def test_an_unreliable_scale_has_a_larger_threshold():
    # alpha 0.36 -> SEM 0.8 * 0.8 = 0.64; a fall of 0.6 that the reliable scale flags is chance.
    shaky = ChanceStats(n=40, n_complete=40, sd=0.8, alpha=0.36)
    assert fall(3.5, 2.9)
    assert fall(3.5, 2.9, {(1, "enjoyment"): shaky, (2, "enjoyment"): shaky}) == []
    # alpha below 0 is taken as 0: the threshold is then the SD itself, never more.
    negative = ChanceStats(n=40, n_complete=40, sd=0.8, alpha=-0.5)
    assert chance_threshold(negative).value == pytest.approx(0.8)


def test_two_instrument_versions_use_the_larger_threshold():
    shaky = ChanceStats(n=40, n_complete=40, sd=0.8, alpha=0.36)  # SEM 0.64
    chance = {(1, "enjoyment"): RELIABLE, (2, "enjoyment"): shaky}
    assert fall(3.5, 2.9, chance) == []
    assert "more than the 0.64 a score moves by chance" in fall(3.5, 2.8, chance)[0]


@pytest.mark.parametrize(
    ("stats", "basis", "value"),
    [
        # 29 full answers: too few for alpha; one SD of the 29 scores.
        (ChanceStats(n=29, n_complete=29, sd=0.7, alpha=0.9), "sd", 0.7),
        # 35 scored, but only 20 answered every item: alpha is not trusted yet.
        (ChanceStats(n=35, n_complete=20, sd=0.7, alpha=0.9), "sd", 0.7),
        (ChanceStats(n=40, n_complete=40, sd=0.7, alpha=None), "sd", 0.7),
        (ChanceStats(n=30, n_complete=30, sd=0.7, alpha=0.84), "sem", 0.28),
        # Fewer than 10 scores, no stats at all, or scores that do not vary: one point.
        (ChanceStats(n=9, n_complete=9, sd=0.2, alpha=0.9), "fixed", 1.0),
        (None, "fixed", 1.0),
        (ChanceStats(n=40, n_complete=40, sd=0.0, alpha=None), "fixed", 1.0),
    ],
)
def test_small_samples_fall_back_to_one_sd_then_to_one_point(stats, basis, value):
    threshold = chance_threshold(stats)
    assert (threshold.basis, threshold.value) == (basis, pytest.approx(value))


def test_the_fallback_reasons_say_so_in_plain_words():
    few = ChanceStats(n=12, n_complete=12, sd=0.7, alpha=0.9)
    chance = {(1, "enjoyment"): few, (2, "enjoyment"): few}
    assert fall(3.5, 2.85, chance) == []  # 0.65: within one SD
    assert fall(3.5, 2.75, chance) == [
        "Enjoyment fell by 0.75 (from 3.5 to 2.75) between the surveys of 1 Oct 2025 and "
        "20 Nov 2025, more than 0.7, the usual spread of scores in the school "
        "(too few full answers yet to measure chance)"
    ]
    assert fall(3.5, 2.5, {}) == []  # no statistics: a fall of exactly 1 point is chance
    assert fall(3.5, 2.25, {}) == [
        "Enjoyment fell by 1.25 (from 3.5 to 2.25) between the surveys of 1 Oct 2025 and "
        "20 Nov 2025, more than 1 point on the answer scale "
        "(too few answers in the school yet to measure chance)"
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
        score("enjoyment", 1.5, date(2025, 10, 1), session_id=8),
        score("enjoyment", 3.0, date(2025, 10, 1), session_id=7),
    ]
    assert reasons(student(scores=scores), TODAY) == [
        "Enjoyment fell by 1.5 (from 3 to 1.5) between the surveys of 1 Oct 2025 and "
        "1 Oct 2025, more than 1 point on the answer scale "
        "(too few answers in the school yet to measure chance)"
    ]


def test_one_survey_is_not_a_fall_and_a_survey_after_today_is_not_looked_at():
    scores = [score("enjoyment", 3.5, date(2025, 10, 1)), score("enjoyment", 1.0, date(2026, 1, 9))]
    assert reasons(student(scores=scores[:1]), TODAY) == []
    assert reasons(student(scores=scores), TODAY) == []
    assert len(reasons(student(scores=scores), date(2026, 1, 9))) == 2  # and no intention


def test_each_scale_is_judged_on_its_own_and_other_scales_are_ignored():
    # Interleaved: enjoyment 3.5 -> 2.0 and self-efficacy 3.5 -> 2.0 both fell; aspirations
    # 4.0 -> 1.0 is not a watched scale.
    scores = [
        score("enjoyment", 3.5, date(2025, 9, 20)),
        score("self_efficacy", 3.5, date(2025, 9, 21)),
        score("aspirations", 4.0, date(2025, 9, 22)),
        score("enjoyment", 2.0, date(2025, 11, 1)),
        score("self_efficacy", 2.0, date(2025, 11, 2)),
        score("aspirations", 1.0, date(2025, 11, 3)),
    ]
    found = reasons(student(scores=scores), TODAY)
    assert [reason.split(" fell")[0] for reason in found] == ["Enjoyment", "Self-efficacy"]


# --- Missed two of the last four sessions of an intervention ------------------------------

BOOSTER = "Year 10 booster"


def held(n, title=BOOSTER, group_id=5, first_id=100, school_id=1):
    """n weekly sessions of one intervention, from 6 Oct 2025."""
    return [
        InterventionSession(
            first_id + i, school_id, group_id, title, date(2025, 10, 6) + timedelta(weeks=i)
        )
        for i in range(n)
    ]


def missed(sessions, absent_ids, today=TODAY, status="absent"):
    marks = {session_id: status for session_id in absent_ids}
    return missed_reasons(sessions, marks, today)


def test_missing_2_of_the_last_4_sessions_is_a_reason():
    sessions = held(4)
    assert missed(sessions, [101, 103]) == ["Missed 2 of the last 4 Year 10 booster sessions"]
    assert missed(sessions, [100, 101, 103]) == ["Missed 3 of the last 4 Year 10 booster sessions"]


def test_missing_1_of_4_is_not():
    assert missed(held(4), [102]) == []


def test_only_the_last_4_sessions_count():
    # Six held; absent from the first two (no longer among the last four) and one recent.
    assert missed(held(6), [100, 101, 104]) == []
    assert missed(held(6), [103, 105]) == ["Missed 2 of the last 4 Year 10 booster sessions"]


def test_fewer_than_4_sessions_held_is_not_judged_yet():
    assert missed(held(3), [100, 101, 102]) == []
    # Four planned, but the fourth is after today: only three held.
    sessions = held(4)
    assert missed(sessions, [100, 101], today=sessions[3].held_on - timedelta(days=1)) == []
    assert missed(sessions, [100, 101], today=sessions[3].held_on) != []


def test_not_invited_is_not_a_reason():
    # Marked at none of the sessions (not on the register) and at another group's.
    other_group = held(4, group_id=6, first_id=200)
    assert missed(held(4) + other_group, []) == []
    assert missed(held(4) + other_group, [200, 201]) == [
        "Missed 2 of the last 4 Year 10 booster sessions"
    ]
    assert needs_attention([student(id=4)], TODAY, sessions=held(4)) == {}


def test_excused_and_present_are_not_missed():
    assert missed(held(4), [100, 101], status="excused") == []
    assert missed(held(4), [100, 101], status="present") == []


def test_one_intervention_is_one_group_and_title():
    # Same group, title spelt with other case and spacing: one intervention of four sessions.
    sessions = held(2) + [
        InterventionSession(102, 1, 5, "year 10  Booster", date(2025, 10, 20)),
        InterventionSession(103, 1, 5, "Year 10 booster", date(2025, 10, 27)),
    ]
    assert missed(sessions, [100, 102]) == ["Missed 2 of the last 4 Year 10 booster sessions"]
    # Another title in the same group is another intervention: two of two each, not judged.
    mixed = held(2) + held(2, title="Problem solving club", first_id=300)
    assert missed(mixed, [100, 101, 300, 301]) == []


def test_a_title_ending_in_sessions_is_not_doubled():
    sessions = held(4, title="Saturday masterclass sessions")
    assert missed(sessions, [100, 101]) == ["Missed 2 of the last 4 Saturday masterclass sessions"]


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
        scores=[
            score("enjoyment", 3.5, date(2025, 10, 1), session_id=1),
            score("enjoyment", 2.5, TODAY, session_id=2),
        ],
        id=9,
    )
    absent = {9: {100: "absent", 102: "absent"}, 3: {100: "absent"}}
    day = date(2026, 1, 1)
    everyone = [on_track, behind, silent, everything]
    assert needs_attention(everyone, day, CHANCE, held(4), absent) == {
        3: ["Predicted GCSE Maths grade 6 is below 7"],
        5: [NO_INTENTION],
        9: [
            "Predicted GCSE Maths grade 5 is below the target of 6 and below 7",
            "Enjoyment fell by 1 (from 3.5 to 2.5) between the surveys of "
            "1 Oct 2025 and 20 Nov 2025, more than the 0.4 a score moves by chance",
            "Missed 2 of the last 4 Year 10 booster sessions",
            NO_INTENTION,
        ],
    }
    assert needs_attention([], day) == {}
