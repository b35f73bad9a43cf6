"""Outcome 3 (choosing A-level maths) on hand-built cohorts: every edge of the definition in
docs/outcomes.md section 3, and the checks of an institution's URN and UKPRN."""

from datetime import date

import pytest

from tracking.grades import GradeEntry
from tracking.outcomes import (
    ALevelChoice,
    Post16Entry,
    Rate,
    StudentOutcomeData,
    a_level_choice,
    five_outcomes,
)
from tracking.post16.rules import census_day, check_ukprn, check_urn

# Year 7 in 2016: Year 12 from September 2021, so "1 October of Year 12" is 1 October 2021.
ENTRY = 2016
LATE = date(2022, 3, 1)  # well after 1 October of Year 12
_ids = iter(range(1, 100000))


def record(route, status, on=date(2021, 9, 6)):
    return Post16Entry(route, status, on, next(_ids))


def gcse(value):
    return GradeEntry("gcse_maths", "final", value, "higher", date(2021, 8, 12), next(_ids))


def student(*post16, grade=None, entry_year=ENTRY):
    return StudentOutcomeData(
        student_id=next(_ids),
        school_id=1,
        entry_year=entry_year,
        grades=(gcse(grade),) if grade else (),
        post16=tuple(post16),
    )


def test_the_census_day_is_1_october_of_year_12():
    assert census_day(ENTRY) == date(2021, 10, 1)


def test_considering_alone_is_unknown_even_long_after_year_12_starts():
    considering = student(record("a_level_maths", "considering", date(2021, 2, 1)))
    choice = a_level_choice([considering], LATE)
    assert choice.maths == Rate(0, 0, unknown=1)
    assert choice.any_level_3_maths == Rate(0, 0, unknown=1)


@pytest.mark.parametrize("status", ["intends", "applied"])
def test_an_intention_without_an_enrolment_is_unknown(status):
    intending = student(
        record("a_level_maths", "considering", date(2021, 1, 5)),
        record("a_level_maths", status, date(2021, 2, 1)),
    )
    assert a_level_choice([intending], LATE).maths == Rate(0, 0, unknown=1)


def test_no_record_is_unknown_up_to_1_october_of_year_12_and_assumed_no_after():
    nothing = student()
    assert a_level_choice([nothing], date(2021, 9, 30)).maths == Rate(0, 0, unknown=1)
    assert a_level_choice([nothing], date(2021, 10, 1)).maths == Rate(0, 0, unknown=1)
    after = a_level_choice([nothing], date(2021, 10, 2))
    assert after.maths == Rate(0, 1, unknown=0, assumed_no=1)
    assert after.any_level_3_maths == Rate(0, 1, unknown=0, assumed_no=1)
    assert after.maths.as_dict()["assumed_no"] == 1


def test_a_considering_record_is_not_assumed_no():
    # A record exists, so nothing is assumed: the student is unknown, not "assumed no".
    considering = student(record("core_maths", "considering", date(2021, 3, 1)))
    assert a_level_choice([considering], LATE).maths.assumed_no == 0


def test_records_after_the_as_at_date_are_not_yet_known():
    later = student(record("a_level_maths", "enrolled", date(2021, 9, 6)))
    assert a_level_choice([later], date(2021, 9, 5)).maths == Rate(0, 0, unknown=1)
    assert a_level_choice([later], date(2021, 9, 6)).maths == Rate(1, 1, unknown=0)


def test_enrolled_and_completed_count_and_withdrawing_takes_a_student_out():
    enrolled = student(record("a_level_maths", "enrolled"))
    completed = student(
        record("a_level_maths", "enrolled"),
        record("a_level_maths", "completed", date(2023, 7, 1)),
    )
    withdrew = student(
        record("a_level_maths", "enrolled"),
        record("a_level_maths", "withdrawn", date(2021, 11, 1)),
    )
    back = student(
        record("a_level_maths", "enrolled"),
        record("a_level_maths", "withdrawn", date(2021, 11, 1)),
        record("a_level_maths", "enrolled", date(2022, 9, 5)),
    )
    choice = a_level_choice([enrolled, completed, withdrew, back], date(2024, 1, 1))
    # The one who withdrew is judged (a "no" on record), not unknown and not assumed.
    assert choice.maths == Rate(3, 4, unknown=0, assumed_no=0)
    # As at the end of Year 12 the re-enrolment had not happened yet.
    assert a_level_choice([back], date(2022, 7, 1)).maths == Rate(0, 1, unknown=0)


def test_another_route_enrolled_on_is_a_known_no():
    apprentice = student(
        record("a_level_maths", "applied", date(2021, 2, 1)),
        record("apprenticeship", "enrolled"),
    )
    assert a_level_choice([apprentice], LATE).maths == Rate(0, 1, unknown=0)


def test_further_maths_is_counted_among_the_a_level_maths_students():
    both = student(record("a_level_maths", "enrolled"), record("a_level_further_maths", "enrolled"))
    maths_only = student(record("a_level_maths", "enrolled"))
    further_withdrawn = student(
        record("a_level_maths", "enrolled"),
        record("a_level_further_maths", "enrolled"),
        record("a_level_further_maths", "withdrawn", date(2022, 1, 20)),
    )
    core = student(record("core_maths", "enrolled"))
    nothing = student()
    choice = a_level_choice([both, maths_only, further_withdrawn, core, nothing], LATE)
    assert choice.maths == Rate(3, 5, unknown=0, assumed_no=1)
    # Denominator: the 3 A-level Maths students, not the whole set.
    assert choice.further_maths == Rate(1, 3, unknown=0)


def test_further_maths_recorded_alone_counts_as_a_level_maths_too():
    # Further Maths is always taken with Maths: a school that records only Further Maths
    # does not lose the student from the A-level Maths figure.
    further = student(record("a_level_further_maths", "enrolled"))
    choice = a_level_choice([further], LATE)
    assert choice.maths == Rate(1, 1, unknown=0)
    assert choice.further_maths == Rate(1, 1, unknown=0)


@pytest.mark.parametrize(
    ("route", "level_3_maths"),
    [
        ("a_level_maths", True),
        ("a_level_further_maths", True),
        ("as_maths", True),
        ("as_further_maths", True),
        ("core_maths", True),
        ("ib_maths", True),
        ("other_level_3", False),
        ("apprenticeship", False),
        ("employment", False),
        ("not_in_education", False),
        ("no_maths", False),
    ],
)
def test_any_level_3_maths_covers_the_maths_routes_only(route, level_3_maths):
    choice = a_level_choice([student(record(route, "enrolled"))], LATE)
    assert choice.any_level_3_maths == Rate(int(level_3_maths), 1, unknown=0)
    is_a_level = route in ("a_level_maths", "a_level_further_maths")
    assert choice.maths == Rate(int(is_a_level), 1, unknown=0)


def test_the_gcse_7_plus_rates_are_of_the_students_with_7_to_9_only():
    top_maths = student(record("a_level_maths", "enrolled"), grade="9")
    top_further = student(
        record("a_level_maths", "enrolled"), record("a_level_further_maths", "enrolled"), grade="7"
    )
    top_core = student(record("core_maths", "enrolled"), grade="8")
    top_unknown = student(record("a_level_maths", "considering", date(2021, 3, 1)), grade="7")
    top_nothing = student(grade="8")
    six = student(record("a_level_maths", "enrolled"), grade="6")
    no_grade = student(record("a_level_maths", "enrolled"))
    unsat = student(record("a_level_maths", "enrolled"), grade="U")
    cohort = [top_maths, top_further, top_core, top_unknown, top_nothing, six, no_grade, unsat]
    choice = a_level_choice(cohort, LATE)
    assert choice.maths == Rate(5, 7, unknown=1, assumed_no=1)
    assert choice.maths_7_plus == Rate(2, 4, unknown=1, assumed_no=1)
    assert choice.further_maths_7_plus == Rate(1, 2, unknown=0)
    assert choice.any_level_3_maths_7_plus == Rate(3, 4, unknown=1, assumed_no=1)


def test_nobody_is_dropped():
    cohort = [
        student(record("a_level_maths", "enrolled"), grade="8"),
        student(record("core_maths", "considering", date(2021, 3, 1)), grade="7"),
        student(grade="9"),
        student(record("employment", "enrolled")),
        student(entry_year=2020),  # Year 8 on LATE: nothing to judge yet
    ]
    choice = a_level_choice(cohort, LATE)
    for rate in (choice.maths, choice.any_level_3_maths):
        assert rate.denominator + rate.unknown == len(cohort)
    for rate in (choice.maths_7_plus, choice.any_level_3_maths_7_plus):
        assert rate.denominator + rate.unknown == 3
    assert choice.further_maths.denominator == choice.maths.numerator


def test_an_empty_set_has_no_share():
    choice = a_level_choice([], LATE)
    empty = Rate(0, 0, 0)
    assert choice == ALevelChoice(empty, empty, empty, empty, empty, empty)
    assert choice.maths.share is None


def test_as_dict_and_the_five_outcomes_carry_every_rate():
    enrolled = student(record("a_level_maths", "enrolled"), grade="8")
    shape = {"maths", "further_maths", "any_level_3_maths"}
    data = a_level_choice([enrolled], LATE).as_dict()
    assert set(data) == shape | {"gcse_7_plus"}
    assert set(data["gcse_7_plus"]) == shape
    assert data["maths"]["share"] == 1.0 and data["gcse_7_plus"]["maths"]["numerator"] == 1
    # five_outcomes judges as at today: long after this cohort's Year 12.
    assert five_outcomes([enrolled])["a_level_choice"] == data


def test_post16_status_and_enrolled_on_are_per_route_and_as_at_a_date():
    one = student(
        record("a_level_maths", "applied", date(2021, 2, 1)),
        record("a_level_maths", "enrolled", date(2021, 9, 6)),
        record("core_maths", "completed", date(2023, 7, 1)),
    )
    assert one.post16_status("a_level_maths") == "enrolled"
    assert one.post16_status("a_level_maths", date(2021, 5, 1)) == "applied"
    assert one.post16_status("ib_maths") is None
    assert one.enrolled_on("core_maths")  # completed counts as taken
    assert not one.enrolled_on("a_level_maths", date(2021, 5, 1))


@pytest.mark.parametrize(
    ("check", "text", "expected"),
    [
        (check_urn, " 123456 ", "123456"),
        (check_urn, "", None),
        (check_urn, None, None),
        (check_ukprn, "10003855", "10003855"),
        (check_ukprn, "  ", None),
    ],
)
def test_urn_and_ukprn_that_are_accepted(check, text, expected):
    assert check(text) == expected


@pytest.mark.parametrize(
    ("check", "text", "message"),
    [
        (check_urn, "12345", "A URN is 6 digits"),
        (check_urn, "1234567", "A URN is 6 digits"),
        (check_urn, "12345a", "A URN is 6 digits"),
        (check_ukprn, "20003855", "A UKPRN is 8 digits starting with 1"),
        (check_ukprn, "1000385", "A UKPRN is 8 digits starting with 1"),
        (check_ukprn, "100038555", "A UKPRN is 8 digits starting with 1"),
    ],
)
def test_urn_and_ukprn_that_are_refused(check, text, message):
    with pytest.raises(ValueError, match=message):
        check(text)
