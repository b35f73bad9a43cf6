"""The five outcomes on hand-built cohorts, missing data and filters included."""

import json
from dataclasses import replace
from datetime import date

import pytest

from surveys.waves import Wave
from tracking.enjoyment import EnjoymentOutcome, enjoyment_outcome
from tracking.grades import GradeEntry
from tracking.outcomes import (
    DestinationEntry,
    Post16Entry,
    Rate,
    StudentOutcomeData,
    SurveyScore,
    a_level_choice,
    a_level_top_grades,
    filter_students,
    five_outcomes,
    gcse_7_to_9,
    maths_degree,
)

_ids = iter(range(1000, 100000))


def grade(qualification, kind, value, on, tier=None):
    return GradeEntry(qualification, kind, value, tier, on, next(_ids))


def gcse(value, on=date(2021, 8, 12)):
    return grade("gcse_maths", "final", value, on, tier="higher")


def a_level(value, further=False, on=date(2023, 8, 17)):
    return grade("a_level_further_maths" if further else "a_level_maths", "final", value, on)


def post16(subject, status, on=date(2021, 9, 6)):
    return Post16Entry(subject, status, on, next(_ids))


def destination(kind, category=None, on=date(2023, 10, 1)):
    return DestinationEntry(kind, category, on, next(_ids))


def student(id, entry_year=2016, school_id=1, **records):
    return StudentOutcomeData(
        student_id=id,
        school_id=school_id,
        entry_year=entry_year,
        **{key: tuple(v) if isinstance(v, list) else v for key, v in records.items()},
    )


# A cohort that entered Year 7 in 2016: GCSEs in 2021, A-levels in 2023.
#
#  id  final GCSE        post-16 (current status)       A-level final    destination (newest)
#  1   9                 maths enrolled, FM enrolled    Maths A*, FM A   HE mathematics
#  2   7                 maths enrolled                 Maths B          HE maths-related
#  3   6                 maths enrolled -> withdrawn    (AS Maths A)     apprenticeship, maths-rel.
#  4   4                 nothing recorded               -                unknown -> employment
#  5   U                 "none" enrolled                -                gap year -> unknown
#  6   - (predicted 8)   maths enrolled                 Maths A          -
#  7   6 -> 7 (re-mark)  maths considering              -                HE, no subject
#  8   8                 maths enrolled, FM enrolled    Maths A, FM C    HE other
COHORT = [
    student(
        1,
        grades=[gcse("9"), a_level("A*"), a_level("A", further=True)],
        post16=[post16("a_level_maths", "enrolled"), post16("a_level_further_maths", "enrolled")],
        destinations=[destination("higher_education", "mathematics")],
    ),
    student(
        2,
        grades=[gcse("7"), a_level("B")],
        post16=[
            post16("a_level_maths", "applied", date(2021, 3, 1)),
            post16("a_level_maths", "enrolled"),
        ],
        destinations=[destination("higher_education", "maths_related")],
    ),
    student(
        3,
        grades=[gcse("6"), grade("as_maths", "final", "A", date(2022, 8, 18))],
        post16=[
            post16("a_level_maths", "enrolled"),
            post16("a_level_maths", "withdrawn", date(2022, 9, 1)),
        ],
        destinations=[destination("apprenticeship", "maths_related")],
    ),
    student(
        4,
        grades=[gcse("4")],
        destinations=[
            destination("unknown", on=date(2023, 9, 1)),
            destination("employment", on=date(2023, 11, 1)),
        ],
    ),
    student(
        5,
        grades=[gcse("U")],
        post16=[post16("none", "enrolled")],
        destinations=[
            destination("gap_year", on=date(2023, 9, 1)),
            destination("unknown", on=date(2024, 9, 1)),
        ],
    ),
    student(
        6,
        grades=[grade("gcse_maths", "predicted", "8", date(2021, 3, 1)), a_level("A")],
        post16=[post16("a_level_maths", "enrolled")],
    ),
    student(
        7,
        grades=[gcse("6", date(2021, 8, 12)), gcse("7", date(2021, 10, 1))],
        post16=[post16("a_level_maths", "considering", date(2021, 2, 1))],
        destinations=[destination("higher_education", None)],
    ),
    student(
        8,
        grades=[gcse("8"), a_level("A"), a_level("C", further=True)],
        post16=[post16("a_level_maths", "enrolled"), post16("a_level_further_maths", "enrolled")],
        destinations=[destination("higher_education", "other")],
    ),
]


def test_gcse_7_to_9():
    # Final GCSE: 1 (9), 2 (7), 3 (6), 4 (4), 5 (U), 7 (7 after the re-mark), 8 (8) -> 7
    # 7-9: 1, 2, 7, 8 -> 4 (7's first result, a 6, is not current). No final: 6 -> unknown 1.
    assert gcse_7_to_9(COHORT) == Rate(numerator=4, denominator=7, unknown=1)
    assert gcse_7_to_9(COHORT).share == pytest.approx(4 / 7)


def test_gcse_counts_the_students_on_roll_at_the_end_of_year_11():
    # Entered Year 7 in 2016: Year 11 ends on 31 August 2021. Leaving that day or before
    # takes a student out of the school's KS4 cohort; leaving later (after the summer, in
    # the sixth form) does not. Nobody is dropped silently: they are counted in `left`.
    left_in_year_10 = student(20, left_on=date(2020, 7, 20), grades=[gcse("8")])
    left_on_the_last_day = student(21, left_on=date(2021, 8, 31), grades=[gcse("9")])
    left_in_year_12 = student(22, left_on=date(2022, 3, 1), grades=[gcse("7")])
    no_grade_left_later = student(23, left_on=date(2021, 9, 1))
    rate = gcse_7_to_9(
        [left_in_year_10, left_on_the_last_day, left_in_year_12, no_grade_left_later]
    )
    assert rate == Rate(numerator=1, denominator=1, unknown=1, left=2)
    assert rate.denominator + rate.unknown + rate.left == 4
    assert rate.as_dict()["left"] == 2


def test_a_level_choice():
    # Judged: all but 7 (only considering: unknown). A-level Maths now: 1, 2, 6, 8 -> 4 (3
    # withdrew, 5 enrolled on no maths; 6 has no final GCSE but chose all the same). Nothing
    # recorded at all after 1 October of Year 12: 4 -> assumed no. Further Maths among the
    # 4 A-level Maths students: 1, 8. More edges: tests/tracking/test_outcomes_post16.py.
    choice = a_level_choice(COHORT, date(2024, 1, 1))
    assert choice.maths == Rate(numerator=4, denominator=7, unknown=1, assumed_no=1)
    assert choice.further_maths == Rate(numerator=2, denominator=4, unknown=0)
    assert choice.maths.share == pytest.approx(4 / 7)


def test_a_level_top_grades():
    # A-level Maths finals: 1 (A*), 2 (B), 6 (A), 8 (A) -> 4, of which A/A*: 1, 6, 8 -> 3;
    # the other 4 have none (3's AS grade does not count). Further Maths: 1 (A), 8 (C) -> 2,
    # A/A*: 1 -> 1; unknown 6.
    maths, further = a_level_top_grades(COHORT)
    assert maths == Rate(numerator=3, denominator=4, unknown=4)
    assert further == Rate(numerator=1, denominator=2, unknown=6)
    assert further.share == 0.5


def test_maths_degree():
    # Known (newest record, type not "unknown"): 1, 2, 3, 4 (employment replaced unknown),
    # 7, 8 -> 6. Unknown: 5 (gap year replaced by unknown), 6 (nothing) -> 2.
    # Mathematics degree: 1 -> 1. Maths-related degree: 2 -> 1 (3 is an apprenticeship).
    # University with no subject recorded: 7 -> assumed no 1.
    mathematics, related = maths_degree(COHORT)
    assert mathematics == Rate(numerator=1, denominator=6, unknown=2, assumed_no=1)
    assert related == Rate(numerator=1, denominator=6, unknown=2, assumed_no=1)
    assert related.share == pytest.approx(1 / 6)


@pytest.mark.parametrize(
    "rates",
    [
        lambda s: [gcse_7_to_9(s)],
        lambda s: [a_level_choice(s).maths, a_level_choice(s).any_level_3_maths],
        a_level_top_grades,
        maths_degree,
    ],
)
def test_nobody_is_dropped(rates):
    for rate in rates(COHORT):
        assert rate.denominator + rate.unknown == len(COHORT)


def test_empty_set_has_no_share_and_no_error():
    empty = Rate(numerator=0, denominator=0, unknown=0)
    assert gcse_7_to_9([]) == empty
    assert gcse_7_to_9([]).share is None
    assert a_level_choice([]).maths == empty
    assert a_level_top_grades([]) == (empty, empty)
    assert maths_degree([]) == (empty, empty)
    assert enjoyment_outcome([]) == EnjoymentOutcome("enjoyment", (), (), unscored=0)


def test_a_set_with_no_data_has_everyone_unknown_and_no_share():
    # Two Year 7s: nothing to judge for any outcome.
    year_7s = [student(1, entry_year=2025), student(2, entry_year=2025)]
    for rate in (
        gcse_7_to_9(year_7s),
        a_level_choice(year_7s).maths,
        *a_level_top_grades(year_7s),
        *maths_degree(year_7s),
    ):
        assert rate == Rate(0, 0, unknown=2)
        assert rate.share is None
    assert enjoyment_outcome(year_7s).unscored == 2


def test_a_re_enrolment_after_withdrawing_counts():
    back = student(
        1,
        grades=[gcse("7")],
        post16=[
            post16("a_level_maths", "enrolled", date(2021, 9, 6)),
            post16("a_level_maths", "withdrawn", date(2021, 10, 1)),
            post16("a_level_maths", "enrolled", date(2022, 9, 5)),
        ],
    )
    assert a_level_choice([back]).maths == Rate(1, 1, 0)


def test_rate_as_dict():
    assert Rate(1, 4, 2, 1, left=3).as_dict() == {
        "numerator": 1,
        "denominator": 4,
        "unknown": 2,
        "assumed_no": 1,
        "left": 3,
        "share": 0.25,
    }
    assert Rate(0, 0, 3).as_dict()["share"] is None


# --- Filters -------------------------------------------------------------------------------

PEOPLE = [
    StudentOutcomeData(1, school_id=1, entry_year=2020, is_target=True, is_disadvantaged=True),
    StudentOutcomeData(2, school_id=1, entry_year=2020, is_target=False, is_disadvantaged=True),
    StudentOutcomeData(3, school_id=1, entry_year=2021, is_target=True, is_disadvantaged=False),
    StudentOutcomeData(4, school_id=2, entry_year=2020, is_target=True, is_disadvantaged=False),
    StudentOutcomeData(5, school_id=2, entry_year=2021, is_target=False, is_disadvantaged=False),
]


def ids(students):
    return [s.student_id for s in students]


def test_select_with_no_filter_keeps_everyone_in_order():
    assert ids(filter_students(PEOPLE)) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"school_id": 1}, [1, 2, 3]),
        ({"school_id": 3}, []),
        ({"cohort": 2020}, [1, 2, 4]),
        ({"target_only": True}, [1, 3, 4]),
        ({"target_only": False}, [1, 2, 3, 4, 5]),
        ({"disadvantaged": True}, [1, 2]),
        ({"disadvantaged": False}, [3, 4, 5]),
        ({"disadvantaged": None}, [1, 2, 3, 4, 5]),
        ({"school_id": 1, "cohort": 2020, "target_only": True}, [1]),
        ({"school_id": 2, "disadvantaged": False, "target_only": True}, [4]),
        ({"cohort": 2021, "disadvantaged": True}, []),
    ],
)
def test_select_filters_combine(filters, expected):
    assert ids(filter_students(PEOPLE, **filters)) == expected


def test_outcomes_of_a_selection():
    # Students 1-4 in school 1, 5-8 in school 2 (same records as COHORT).
    split = [replace(s, school_id=1 if s.student_id <= 4 else 2) for s in COHORT]
    # School 2: finals 5 (U), 7 (7), 8 (8) -> 3, of which 7-9: 7, 8 -> 2; 6 has none.
    assert gcse_7_to_9(filter_students(split, school_id=2)) == Rate(2, 3, 1)


# --- Outcome 1 (its rules are tested in test_outcomes_enjoyment.py) --------------------------


def enjoy(score, on, wave, session_id=0, scale="enjoyment"):
    return SurveyScore(scale, score, on, wave, session_id)


AUTUMN_2024 = Wave(2024, "autumn")
SPRING_2025 = Wave(2024, "spring")
AUTUMN_2025 = Wave(2025, "autumn")
# Entry 2020: Year 11 in 2024/25, Year 12 from 1 Sep 2025. Entry 2022: Year 9 in 2024/25,
# Year 10 in 2025/26. Entry 2019: Year 12 in 2024/25.
#
#   student (entry)  Autumn 2024/25  Spring 2024/25  Autumn 2025/26
#   11 (2020)        3.0 (Y11)       3.5 (Y11)       2.0 (Y12: left out)   -> paired +0.5
#   12 (2022)        2.0 (Y9)        2.5             3.0                   -> paired +1.0
#   13 (2022)        -               -               4.0 then 3.0          -> one wave: unpaired
#   14 (2022)        -               -               -                     -> unscored
#   15 (2019)        2.0 (Y12: left out)                                   -> unscored
ENJOYMENT = [
    student(
        11,
        entry_year=2020,
        survey_scores=[
            enjoy(3.0, date(2024, 10, 1), AUTUMN_2024),
            enjoy(3.5, date(2025, 3, 1), SPRING_2025),
            enjoy(2.0, date(2025, 10, 1), AUTUMN_2025),
        ],
    ),
    student(
        12,
        entry_year=2022,
        survey_scores=[
            enjoy(2.0, date(2024, 10, 2), AUTUMN_2024),
            enjoy(2.5, date(2025, 3, 2), SPRING_2025),
            enjoy(3.0, date(2025, 10, 2), AUTUMN_2025),
            enjoy(1.0, date(2025, 10, 2), AUTUMN_2025, scale="self_efficacy"),
        ],
    ),
    student(
        13,
        entry_year=2022,
        survey_scores=[
            enjoy(3.0, date(2025, 11, 1), AUTUMN_2025, session_id=9),
            enjoy(4.0, date(2025, 10, 3), AUTUMN_2025, session_id=5),
        ],
    ),
    student(14, entry_year=2022),
    student(15, entry_year=2019, survey_scores=[enjoy(2.0, date(2024, 10, 1), AUTUMN_2024)]),
]


# --- All five --------------------------------------------------------------------------------


def test_five_outcomes_is_json_ready_and_matches_each_rule():
    everyone = COHORT + ENJOYMENT
    result = five_outcomes(everyone)
    assert json.loads(json.dumps(result)) == result
    assert result["students"] == 13
    # The enjoyment students have no GCSE: 5 more unknown than in COHORT alone.
    assert result["gcse_7_to_9"] == Rate(4, 7, 1 + 5).as_dict()
    assert result["a_level_choice"] == a_level_choice(everyone).as_dict()
    assert result["a_level_top_grades"]["maths"] == Rate(3, 4, 9).as_dict()
    assert result["a_level_top_grades"]["further_maths"] == Rate(1, 2, 11).as_dict()
    assert result["maths_degree"]["mathematics"] == Rate(1, 6, 7, 1).as_dict()
    assert result["maths_degree"]["maths_related"] == Rate(1, 6, 7, 1).as_dict()
    # Outcome 1 per cohort: the 8 COHORT students (entry 2016) have no enjoyment score, so
    # 2 + 8 unscored; entry 2020's one pair rose 0.5, entry 2022's one pair 1.0.
    enjoyment = result["enjoyment"]
    assert enjoyment["unscored"] == 10
    paired = {(c["cohort"], c["group"]): c for c in enjoyment["paired_change"]}
    assert paired[(2020, "non_target")]["mean_change"] == 0.5
    assert (paired[(2022, "non_target")]["n"], paired[(2022, "non_target")]["unpaired"]) == (1, 1)
    assert paired[(2022, "non_target")]["mean_change"] == 1.0
    assert enjoyment["pooled_wave_means"][0] == {
        "wave": "Autumn 2024/25",
        "wave_key": "2024-autumn",
        "mean": 2.5,
        "n": 2,
    }


def test_five_outcomes_of_nobody():
    result = five_outcomes([])
    assert result["students"] == 0
    assert result["gcse_7_to_9"]["share"] is None
    assert result["maths_degree"]["maths_related"]["share"] is None
    assert result["enjoyment"]["paired_change"] == []
    assert result["enjoyment"]["pooled_wave_means"] == []
    assert result["enjoyment"]["unscored"] == 0
    json.dumps(result)
