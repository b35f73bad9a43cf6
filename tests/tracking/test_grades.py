"""Grade scales, tiers, normalisation, ordering and the current grade of a kind."""

from datetime import date

import pytest

from tracking.exam_series import (
    SeriesError,
    parse_series,
    recent_series,
    series_label,
    series_value,
)
from tracking.grades import (
    GradeEntry,
    GradeError,
    GradeKind,
    Qualification,
    Tier,
    at_least,
    checked,
    current,
    history,
    is_not_sat,
    parse_kind,
    parse_qualification,
    points,
    scale,
    validate_grade,
    validate_series,
    validate_tier,
)

NUMBERS_9_TO_1 = ("9", "8", "7", "6", "5", "4", "3", "2", "1", "U")
LETTERS_A_TO_E = ("A", "B", "C", "D", "E", "U")

FULL_SCALES = {
    "gcse_maths": NUMBERS_9_TO_1,
    "l2_further_maths": ("9", "8", "7", "6", "5", "4", "U"),
    "as_maths": LETTERS_A_TO_E,
    "as_further_maths": LETTERS_A_TO_E,
    "a_level_maths": ("A*", *LETTERS_A_TO_E),
    "a_level_further_maths": ("A*", *LETTERS_A_TO_E),
    "core_maths": LETTERS_A_TO_E,
    "ks3_maths": NUMBERS_9_TO_1,
    "fsmq_additional_maths": LETTERS_A_TO_E,
    "gcse_statistics": NUMBERS_9_TO_1,
}


def test_every_qualification_has_a_scale_highest_first():
    assert {q.value for q in Qualification} == set(FULL_SCALES)
    for key, grades in FULL_SCALES.items():
        assert scale(key) == grades


def test_gcse_tiers_have_their_own_scales():
    assert scale("gcse_maths", "foundation") == ("5", "4", "3", "2", "1", "U")
    # Higher is 9-4 with an allowed 3.
    assert scale("gcse_maths", "higher") == ("9", "8", "7", "6", "5", "4", "3", "U")


@pytest.mark.parametrize(
    ("key", "grade"), [(key, grade) for key, grades in FULL_SCALES.items() for grade in grades]
)
def test_every_grade_on_a_scale_is_accepted_as_it_is_and_in_lower_case(key, grade):
    assert validate_grade(key, grade) == grade
    assert validate_grade(key, f"  {grade.lower()} ") == grade


@pytest.mark.parametrize(
    ("key", "grade", "message"),
    [
        ("gcse_maths", "10", "Grade 10 is not a GCSE Maths grade (9-1, U)"),
        ("gcse_maths", "0", "Grade 0 is not a GCSE Maths grade (9-1, U)"),
        ("gcse_maths", "A", "A is not a GCSE Maths grade (9-1, U)"),
        ("gcse_maths", "4.5", "4.5 is not a GCSE Maths grade (9-1, U)"),
        ("gcse_maths", "7+", "7+ is not a GCSE Maths grade (9-1, U)"),
        ("l2_further_maths", "3", "Grade 3 is not a Level 2 Further Maths grade (9-4, U)"),
        ("l2_further_maths", "1", "Grade 1 is not a Level 2 Further Maths grade (9-4, U)"),
        ("l2_further_maths", "A", "A is not a Level 2 Further Maths grade (9-4, U)"),
        ("as_maths", "A*", "A* is not an AS Maths grade (A-E, U)"),
        ("as_maths", "F", "F is not an AS Maths grade (A-E, U)"),
        ("as_maths", "7", "Grade 7 is not an AS Maths grade (A-E, U)"),
        ("as_further_maths", "A*", "A* is not an AS Further Maths grade (A-E, U)"),
        ("a_level_maths", "F", "F is not an A-level Maths grade (A*-E, U)"),
        ("a_level_maths", "A**", "A** is not an A-level Maths grade (A*-E, U)"),
        ("a_level_maths", "9", "Grade 9 is not an A-level Maths grade (A*-E, U)"),
        ("a_level_further_maths", "X", "X is not an A-level Further Maths grade (A*-E, U)"),
        ("core_maths", "A*", "A* is not a Core Maths grade (A-E, U)"),
        ("core_maths", "1", "Grade 1 is not a Core Maths grade (A-E, U)"),
        ("ks3_maths", "10", "Grade 10 is not a KS3 maths grade (9-1, U)"),
        ("ks3_maths", "B", "B is not a KS3 maths grade (9-1, U)"),
    ],
)
def test_a_grade_off_the_scale_is_refused_with_the_scale_in_the_message(key, grade, message):
    with pytest.raises(GradeError) as raised:
        validate_grade(key, grade)
    assert str(raised.value) == message


@pytest.mark.parametrize("grade", ["5", "4", "3", "2", "1", "U"])
def test_foundation_tier_accepts_5_to_1_and_u(grade):
    assert validate_grade("gcse_maths", grade, tier="foundation") == grade


@pytest.mark.parametrize("grade", ["9", "8", "7", "6"])
def test_foundation_tier_refuses_6_and_above(grade):
    with pytest.raises(GradeError) as raised:
        validate_grade("gcse_maths", grade, tier="foundation")
    assert str(raised.value) == f"Grade {grade} is not on the foundation tier (5-1, U)"


@pytest.mark.parametrize("grade", ["9", "8", "7", "6", "5", "4", "3", "U"])
def test_higher_tier_accepts_9_to_4_the_allowed_3_and_u(grade):
    assert validate_grade("gcse_maths", grade, tier="higher") == grade


@pytest.mark.parametrize("grade", ["2", "1"])
def test_higher_tier_refuses_2_and_1(grade):
    with pytest.raises(GradeError) as raised:
        validate_grade("gcse_maths", grade, tier="higher")
    assert str(raised.value) == f"Grade {grade} is not on the higher tier (9-4, 3 allowed, U)"


def test_a_grade_off_the_whole_scale_is_reported_before_the_tier():
    with pytest.raises(GradeError, match=r"Grade 10 is not a GCSE Maths grade \(9-1, U\)"):
        validate_grade("gcse_maths", "10", tier="foundation")


def test_normalisation():
    assert validate_grade("a_level_maths", " a* ") == "A*"
    assert validate_grade("a_level_maths", "a *") == "A*"
    assert validate_grade("as_maths", "u") == "U"
    assert validate_grade("gcse_maths", 7) == "7"
    assert validate_grade("gcse_maths", " 9\t") == "9"
    assert validate_grade("gcse_maths", "5", tier=" Foundation ") == "5"


@pytest.mark.parametrize("grade", ["", "   "])
def test_an_empty_grade_asks_for_one(grade):
    with pytest.raises(GradeError, match="^Enter a grade$"):
        validate_grade("gcse_maths", grade)


@pytest.mark.parametrize("grade", [True, 7.0, None])
def test_a_grade_that_is_not_text_or_a_whole_number_is_refused(grade):
    with pytest.raises(GradeError, match="Enter the grade as text"):
        validate_grade("gcse_maths", grade)


def test_unknown_qualification_or_kind():
    with pytest.raises(GradeError, match="Unknown qualification 'gcse'"):
        validate_grade("gcse", "7")
    with pytest.raises(GradeError, match="Unknown kind of grade 'guess'"):
        validate_grade("gcse_maths", "7", kind="guess")
    assert parse_qualification("core_maths") is Qualification.CORE_MATHS
    assert parse_kind("working_at") is GradeKind.WORKING_AT


def test_a_tier_is_only_for_the_gcses():
    with pytest.raises(
        GradeError, match="A tier applies only to GCSE Maths and GCSE Statistics, not to Core"
    ):
        validate_grade("core_maths", "A", tier="higher")
    with pytest.raises(GradeError, match="not to KS3 maths"):
        scale("ks3_maths", "foundation")
    # An empty tier is no tier.
    assert validate_grade("a_level_maths", "A", tier="  ") == "A"
    assert validate_tier("a_level_maths", None, kind="final") is None


def test_an_unknown_tier_is_refused():
    with pytest.raises(GradeError, match="Tier 'middle' is not foundation or higher"):
        validate_grade("gcse_maths", "5", tier="middle")


@pytest.mark.parametrize("kind", ["mock", "final"])
def test_a_gcse_mock_or_final_grade_needs_its_tier(kind):
    with pytest.raises(GradeError) as raised:
        validate_grade("gcse_maths", "7", kind=kind)
    assert str(raised.value) == (
        f"Choose the tier (foundation or higher) for a {kind} GCSE Maths grade"
    )
    assert validate_grade("gcse_maths", "7", tier="higher", kind=kind) == "7"


@pytest.mark.parametrize("kind", ["target", "working_at", "predicted"])
def test_a_gcse_target_working_at_or_predicted_grade_may_leave_out_the_tier(kind):
    assert validate_grade("gcse_maths", "7", kind=kind) == "7"
    # ... but a tier given still constrains the grade.
    with pytest.raises(GradeError, match="not on the foundation tier"):
        validate_grade("gcse_maths", "7", tier="foundation", kind=kind)


def test_other_qualifications_never_need_a_tier():
    assert validate_grade("a_level_maths", "B", kind="final") == "B"
    assert validate_grade("l2_further_maths", "8", kind="mock") == "8"


def test_validate_tier_normalises():
    assert validate_tier("gcse_maths", "HIGHER") == "higher"
    assert validate_tier("gcse_maths", "") is None
    assert validate_tier("gcse_maths", None, kind="predicted") is None


def test_points_order_letter_grades_a_star_down_to_u():
    # A* 6, A 5, B 4, C 3, D 2, E 1, U 0
    assert [points("a_level_maths", g) for g in scale("a_level_maths")] == [6, 5, 4, 3, 2, 1, 0]
    assert [points("as_further_maths", g) for g in scale("as_further_maths")] == [5, 4, 3, 2, 1, 0]


def test_points_order_number_grades_9_down_to_u():
    # A number grade is its own value; U is 0.
    assert [points("gcse_maths", g) for g in scale("gcse_maths")] == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    assert [points("l2_further_maths", g) for g in scale("l2_further_maths")] == [
        9,
        8,
        7,
        6,
        5,
        4,
        0,
    ]


@pytest.mark.parametrize("key", list(FULL_SCALES))
def test_points_strictly_fall_along_every_scale(key):
    values = [points(key, grade) for grade in scale(key)]
    assert values == sorted(values, reverse=True)
    assert len(set(values)) == len(values)
    assert values[-1] == 0


def test_points_normalise_and_validate():
    assert points("a_level_maths", " a* ") == 6
    assert points("gcse_maths", 7) == 7
    with pytest.raises(GradeError):
        points("as_maths", "A*")


def test_at_least():
    assert at_least("gcse_maths", "7", "7")  # equal counts
    assert at_least("gcse_maths", "9", "7")
    assert not at_least("gcse_maths", "6", "7")
    assert not at_least("gcse_maths", "U", "1")
    assert at_least("gcse_maths", "u", "U")
    assert at_least("a_level_maths", "A*", "A")
    assert at_least("a_level_maths", "a", "A")
    assert not at_least("a_level_maths", "B", "A")
    with pytest.raises(GradeError):
        at_least("a_level_maths", "A", "7")


def test_labels():
    assert Qualification.L2_FURTHER_MATHS.label == "Level 2 Further Maths"
    assert Qualification.A_LEVEL_FURTHER_MATHS.label == "A-level Further Maths"
    assert Qualification("ks3_maths").label == "KS3 maths"
    assert [kind.label for kind in GradeKind] == [
        "Target",
        "Working-at",
        "Predicted",
        "Mock",
        "Final",
    ]
    assert [tier.label for tier in Tier] == ["Foundation", "Higher"]
    # Stable keys compare equal to plain strings, so they can be stored and sent as they are.
    assert GradeKind.WORKING_AT == "working_at"
    assert Qualification.GCSE_MATHS == "gcse_maths"


def entry(id, kind, grade, on, qualification="gcse_maths", tier=None):
    return GradeEntry(qualification, kind, grade, tier, on, id)


RECORDS = [
    entry(1, "predicted", "5", date(2025, 10, 1)),
    entry(2, "predicted", "6", date(2026, 2, 1)),
    entry(3, "target", "7", date(2025, 9, 15)),
    entry(4, "predicted", "4", date(2025, 12, 1)),  # entered later, but for an older date
    entry(5, "predicted", "B", date(2026, 3, 1), qualification="as_maths"),
    entry(6, "mock", "5", date(2026, 1, 20), tier="higher"),
]


def test_current_is_the_newest_record_of_the_kind_by_date():
    # predicted GCSE: 1 (1 Oct), 4 (1 Dec), 2 (1 Feb) -> 2
    assert current(RECORDS, "predicted", "gcse_maths") == RECORDS[1]
    assert current(RECORDS, "target", "gcse_maths").grade == "7"
    assert current(RECORDS, "mock").tier == "higher"
    # Without a qualification, the newest of the kind in any qualification: AS, 1 March.
    assert current(RECORDS, "predicted").qualification == "as_maths"


def test_current_breaks_a_tie_of_dates_by_the_higher_id():
    same_day = [
        entry(11, "final", "6", date(2026, 8, 20), tier="higher"),
        entry(12, "final", "7", date(2026, 8, 20), tier="higher"),  # corrected the same day
        entry(10, "final", "5", date(2026, 8, 20), tier="higher"),
    ]
    assert current(same_day, "final").id == 12
    assert current(reversed(same_day), "final").id == 12


def test_current_is_none_when_nothing_of_the_kind_is_recorded():
    assert current(RECORDS, "final") is None
    assert current([], "target") is None
    assert current(RECORDS, "target", "a_level_maths") is None


def test_history_is_newest_first_and_keeps_every_record():
    assert [r.id for r in history(RECORDS, "predicted", "gcse_maths")] == [2, 4, 1]
    assert [r.id for r in history(RECORDS)] == [5, 2, 6, 4, 1, 3]


# The new qualifications, the finals that were not sat, and exam series ----------------------


def test_the_new_qualifications_have_their_names_and_scales():
    assert Qualification("fsmq_additional_maths").label == "OCR Level 3 FSMQ Additional Maths"
    assert Qualification("gcse_statistics").label == "GCSE Statistics"
    with pytest.raises(GradeError, match=r"A\* is not an OCR Level 3 FSMQ Additional Maths grade"):
        validate_grade("fsmq_additional_maths", "A*")
    # GCSE Statistics is tiered like GCSE Maths.
    assert scale("gcse_statistics", "foundation") == ("5", "4", "3", "2", "1", "U")
    with pytest.raises(GradeError, match="final GCSE Statistics grade"):
        validate_grade("gcse_statistics", "6", kind="final")
    with pytest.raises(GradeError, match="not on the foundation tier"):
        validate_grade("gcse_statistics", "6", tier="foundation", kind="final")


@pytest.mark.parametrize("code", ["NE", "ABS", "X", " abs ", "x", "ne"])
def test_a_final_may_say_the_exam_was_not_sat_without_a_tier(code):
    expected = code.strip().upper()
    assert validate_grade("gcse_maths", code, kind="final") == expected
    assert validate_grade("a_level_maths", code, kind="final") == expected
    assert validate_tier("gcse_maths", None, "final", code) is None
    assert is_not_sat(code)


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("mock", "ABS", "ABS (absent) is for a final grade only"),
        ("predicted", "NE", "NE (not entered) is for a final grade only"),
        ("target", "X", "X (absent) is for a final grade only"),
    ],
)
def test_not_sat_codes_are_refused_for_other_kinds(kind, code, message):
    with pytest.raises(GradeError) as raised:
        validate_grade("a_level_maths", code, kind=kind)
    assert str(raised.value) == message


def test_not_sat_is_no_grade_and_never_at_least_one():
    assert not at_least("gcse_maths", "NE", "U")
    assert not at_least("gcse_maths", "ABS", "1")
    assert not is_not_sat("U") and not is_not_sat(None)
    with pytest.raises(GradeError):
        points("gcse_maths", "X")


@pytest.mark.parametrize(
    ("text", "series"),
    [
        ("June 2026", date(2026, 6, 1)),
        ("jun 2026", date(2026, 6, 1)),
        ("Jun-26", date(2026, 6, 1)),
        ("Summer 2026", date(2026, 6, 1)),
        ("November 2025", date(2025, 11, 1)),
        ("nov 25", date(2025, 11, 1)),
        ("2026-06", date(2026, 6, 1)),
        ("06/2026", date(2026, 6, 1)),
        (date(2026, 6, 15), date(2026, 6, 1)),
        ("", None),
        (None, None),
    ],
)
def test_a_series_is_read_as_its_month(text, series):
    assert parse_series(text) == series


@pytest.mark.parametrize(
    "text", ["Autumn 2025", "June", "2026", "13/2026", "Juny 2026", "June 1900"]
)
def test_text_that_is_not_a_series_says_how_to_write_one(text):
    with pytest.raises(SeriesError, match="write the month and year, such as June 2026"):
        parse_series(text)


def test_series_names_values_and_recent_choices():
    assert series_label(date(2025, 11, 1)) == "November 2025"
    assert series_value(date(2025, 11, 1)) == "2025-11"
    assert series_label(None) == series_value(None) == ""
    choices = recent_series(date(2026, 8, 20), years=1)
    # Newest first; November 2026 has not started yet.
    assert choices == [
        ("2026-06", "June 2026"),
        ("2025-11", "November 2025"),
        ("2025-06", "June 2025"),
    ]


def test_validate_series_is_for_finals_and_not_after_the_grade():
    day = date(2026, 8, 20)
    assert validate_series("final", "June 2026", day) == date(2026, 6, 1)
    assert validate_series("mock", "", day) is None
    with pytest.raises(GradeError, match="An exam series is for a final grade only"):
        validate_series("mock", "June 2026", day)
    with pytest.raises(GradeError, match=r"The series \(November 2026\) is after the date"):
        validate_series("final", "Nov 2026", day)
    with pytest.raises(GradeError, match="not an exam series"):
        validate_series("final", "Autumn", day)


def test_checked_normalises_a_whole_grade():
    data = {
        "qualification": "gcse_maths",
        "kind": "final",
        "grade": " abs ",
        "tier": "",
        "recorded_on": date(2026, 8, 20),
        "series": "Jun 2026",
    }
    assert checked(data) == {**data, "grade": "ABS", "tier": None, "series": date(2026, 6, 1)}
    with pytest.raises(GradeError, match="Enter the date"):
        checked({**data, "recorded_on": None})


def test_an_entry_carries_its_series():
    plain = GradeEntry("gcse_maths", "final", "7", "higher", date(2026, 8, 20), 1)
    assert plain.series is None and plain.series_label == ""
    dated = GradeEntry(
        "gcse_maths", "final", "7", "higher", date(2026, 8, 20), 1, 1, date(2026, 6, 1)
    )
    assert dated.series_label == "June 2026"


def test_a_final_not_sat_is_left_off_the_grade_chart_not_an_error():
    from tracking.profiles.charts import grade_chart

    entries = [
        GradeEntry("gcse_maths", "mock", "6", "higher", date(2026, 1, 20), 1),
        GradeEntry("gcse_maths", "final", "ABS", None, date(2026, 8, 20), 2),
    ]
    chart = grade_chart("gcse_maths", entries)
    shown = {series.kind: [point.text for point in series.points] for series in chart.series}
    assert shown.get("mock") == ["6"]
    assert not shown.get("final")
