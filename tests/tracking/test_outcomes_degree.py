"""Outcome 5, a maths degree, on hand-built cohorts (pure: no database), and the HECoS data it
reads. Each test names the edge it covers in its name."""

from datetime import date
from itertools import count

import pytest

from tracking.destinations import hecos
from tracking.destinations.degree import (
    DEFERRED,
    DEGREE_APPRENTICESHIP,
    MATHS,
    PENDING,
    PLACED,
    UNIVERSITY,
    UNKNOWN,
    Place,
    degree_outcome,
    place,
)
from tracking.destinations.hecos import MathsRelated
from tracking.outcomes import (
    DestinationEntry,
    Rate,
    StudentOutcomeData,
    five_outcomes,
    maths_degree,
)

_ids = count(1)
MATHS_CODE, PHYSICS, ECONOMICS, CHEMISTRY, HISTORY = (
    "100403",
    "100425",
    "100450",
    "100417",
    "100302",
)


def dest(kind="higher_education", codes=None, status="confirmed", category=None, on=None):
    on = on or date(2026, 9, 20)
    return DestinationEntry(kind, category, on, next(_ids), codes, status)


def student(*destinations):
    return StudentOutcomeData(next(_ids), 1, 2015, destinations=tuple(destinations))


def test_joint_honours_with_one_cah09_subject_is_maths_and_reported_as_joint():
    cohort = [
        student(dest(codes=f"{PHYSICS} {MATHS_CODE}")),  # Physics with Mathematics
        student(dest(codes=MATHS_CODE)),  # single honours
        student(dest(codes=f"{PHYSICS} {ECONOMICS}")),  # joint, neither is maths
    ]
    outcome = degree_outcome(cohort)
    assert outcome.maths == Rate(2, 3, 0)
    assert outcome.joint == 1
    assert outcome.maths_related == Rate(1, 3, 0)  # physics and economics: related, not maths
    assert place(cohort[0].destinations) == Place(PLACED, UNIVERSITY, MATHS, joint=True)


def test_a_degree_apprenticeship_has_its_own_line_and_is_not_a_university_place():
    cohort = [
        student(dest("degree_apprenticeship", MATHS_CODE, "started")),
        student(dest("degree_apprenticeship", "100374", "started")),  # software engineering
        student(dest("apprenticeship", MATHS_CODE, "started")),  # not a degree apprenticeship
        student(dest(codes=HISTORY)),
    ]
    outcome = degree_outcome(cohort)
    assert outcome.maths == Rate(0, 4, 0)
    assert outcome.apprenticeship_maths == Rate(1, 4, 0)
    assert outcome.apprenticeship_related == Rate(1, 4, 0)
    assert place(cohort[0].destinations).route == DEGREE_APPRENTICESHIP


def test_a_deferred_place_is_deferred_not_no_and_not_in_the_denominator():
    cohort = [
        student(dest(codes=MATHS_CODE, status="deferred")),
        student(dest(codes=HISTORY, status="deferred")),
        student(dest(codes=MATHS_CODE)),
        student(),
    ]
    outcome = degree_outcome(cohort)
    assert (outcome.deferred, outcome.deferred_maths) == (2, 1)
    assert outcome.maths == Rate(1, 1, 1)  # one placed, in maths; one with nothing recorded
    assert outcome.maths.denominator + outcome.maths.unknown + outcome.deferred == len(cohort)
    assert place(cohort[0].destinations).state == DEFERRED


def test_maths_related_is_whatever_the_list_covers():
    cohort = [
        student(dest(codes=PHYSICS)),
        student(dest(codes=CHEMISTRY)),
        student(dest(codes="100106")),  # actuarial science, in CAH17-01-07 finance
    ]
    shipped = degree_outcome(cohort)
    assert shipped.maths_related.numerator == 2  # physics, actuarial science
    chemistry_only = MathsRelated(frozenset({"CAH07-02"}))
    assert degree_outcome(cohort, chemistry_only).maths_related.numerator == 1
    one_code = MathsRelated(frozenset({"100106"}))
    assert degree_outcome(cohort, one_code).maths_related.numerator == 1
    assert degree_outcome(cohort, MathsRelated(frozenset())).maths_related.numerator == 0


def test_maths_itself_is_never_maths_related_even_if_listed():
    listing_maths = MathsRelated(frozenset({"CAH09", MATHS_CODE}))
    assert not listing_maths.covers(MATHS_CODE)
    outcome = degree_outcome([student(dest(codes=MATHS_CODE))], listing_maths)
    assert (outcome.maths.numerator, outcome.maths_related.numerator) == (1, 0)


def test_nothing_recorded_is_unknown_and_applications_alone_are_pending():
    cohort = [
        student(),
        student(dest(codes=MATHS_CODE, status="firm"), dest(codes=PHYSICS, status="insurance")),
        student(dest("unknown", status=None)),
    ]
    outcome = degree_outcome(cohort)
    assert outcome.maths == Rate(0, 0, 3)
    assert outcome.maths.share is None
    assert outcome.pending == 1
    assert [place(s.destinations).state for s in cohort] == [UNKNOWN, PENDING, UNKNOWN]


def test_the_newest_decided_record_counts_not_a_later_application():
    confirmed = dest(codes=MATHS_CODE, status="confirmed", on=date(2026, 8, 15))
    later_application = dest(codes=HISTORY, status="applied", on=date(2026, 10, 1))
    assert place([confirmed, later_application]).subject == MATHS
    changed_course = dest(codes=HISTORY, status="started", on=date(2026, 10, 1))
    assert place([confirmed, changed_course]).subject == "other"


def test_a_university_place_with_no_subject_is_assumed_no():
    outcome = degree_outcome([student(dest(codes=None)), student(dest(codes=MATHS_CODE))])
    assert outcome.maths == Rate(1, 2, 0, assumed_no=1)
    assert outcome.maths_related == Rate(0, 2, 0, assumed_no=1)


def test_records_from_before_hecos_count_by_their_subject_category():
    cohort = [
        student(dest(category="mathematics", status=None)),
        student(dest(category="maths_related", status=None)),
        student(dest(category="other", status=None)),
        student(dest("employment", status=None)),
    ]
    mathematics, related = maths_degree(cohort)
    assert mathematics == Rate(1, 4, 0)
    assert related == Rate(1, 4, 0)


def test_a_hecos_code_wins_over_an_older_category():
    entry = dest(codes=HISTORY, category="mathematics")
    assert place([entry]).subject == "other"


def test_five_outcomes_reports_every_line_of_outcome_5():
    cohort = [
        student(dest(codes=f"{MATHS_CODE} {PHYSICS}")),
        student(dest(codes=CHEMISTRY)),
        student(dest("degree_apprenticeship", MATHS_CODE)),
        student(dest(codes=MATHS_CODE, status="deferred")),
        student(),
    ]
    result = five_outcomes(cohort, maths_related=MathsRelated(frozenset({"CAH07-02"})))
    degree = result["maths_degree"]
    assert degree["mathematics"] == Rate(1, 3, 1).as_dict()
    assert degree["maths_related"]["numerator"] == 1  # chemistry, by the list given
    assert degree["mathematics_joint_honours"] == 1
    assert degree["degree_apprenticeship"]["mathematics"] == Rate(1, 3, 1).as_dict()
    assert (degree["deferred"], degree["deferred_mathematics"], degree["pending"]) == (1, 1, 0)


# The HECoS data shipped ------------------------------------------------------------------


def test_every_cah09_subject_shipped_is_maths_and_nothing_else_is():
    maths = {code for code, s in hecos.subjects().items() if s.is_maths}
    assert maths == {
        "100400", "100401", "100402", "100403", "100404", "100405", "100406",
        "101027", "101028", "101029", "101030", "101031", "101032", "101033", "101034",
    }  # fmt: skip
    assert hecos.subject("100406").name == "statistics"
    assert not hecos.subject(PHYSICS).is_maths


def test_the_shipped_list_is_whole_and_consistent():
    subjects = hecos.subjects()
    assert len(subjects) == 1092
    assert all(s.cah3 in hecos.cah_names() for s in subjects.values())
    assert len({s.name.casefold() for s in subjects.values()}) == len(subjects)
    assert all(hecos.valid_code(code) for code, _ in hecos.default_rows())
    assert hecos.cah_names()["CAH09-01"] == "mathematical sciences"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("100403", "100403"),
        ("Maths", "100403"),
        ("  MATHEMATICS ", "100403"),
        ("mathematics (100403)", "100403"),
        ("Physics", "100425"),
        ("Applied Maths", "100400"),
        ("actuarial", "100106"),
    ],
)
def test_a_subject_is_matched_by_code_or_name(typed, code):
    assert hecos.match(typed).code == code


def test_an_ambiguous_name_lists_the_candidates_and_an_unknown_one_says_so():
    with pytest.raises(hecos.SubjectError, match=r"'Engineering' matches \d+ HECoS subjects: "):
        hecos.match("Engineering")
    with pytest.raises(hecos.SubjectError, match="aeronautical engineering \\(100114\\)"):
        hecos.match("Engineering")
    with pytest.raises(hecos.SubjectError, match="No HECoS subject matches 'Quidditch'"):
        hecos.match("Quidditch")
    with pytest.raises(hecos.SubjectError, match="999999 is not a HECoS code"):
        hecos.match("999999")


def test_joint_honours_cells_give_two_subjects_and_no_more():
    assert [s.code for s in hecos.match_all("100403/100425")] == [MATHS_CODE, PHYSICS]
    assert [s.code for s in hecos.match_all("Mathematics; Economics")] == [MATHS_CODE, ECONOMICS]
    with pytest.raises(hecos.SubjectError, match="not 3"):
        hecos.match_all("100403/100425/100450")
    with pytest.raises(hecos.SubjectError, match="must differ"):
        hecos.match_all("100403 100403")
    with pytest.raises(hecos.SubjectError, match="is not a HECoS code"):
        hecos.match_all("10040")


def test_search_puts_the_exact_name_first():
    found = hecos.search("mathematics")
    assert found[0].code == MATHS_CODE
    assert {"100400", "100405"} <= {s.code for s in found}
    assert hecos.search("100425") == [hecos.subject(PHYSICS)]
    assert hecos.search("\x00") == [] and hecos.search("") == []
