"""`flask outcomes` against a hand-built cohort."""

import json
from datetime import date

from app.extensions import db
from app.models import School
from tests.factories import make_school, make_student
from tracking import services
from tracking.models import Destination, Post16Record


def _post16(student, subject, status, on):
    services.add_record(
        None,
        student,
        Post16Record,
        {"subject": subject, "status": status, "provider": None, "recorded_on": on},
    )


def _destination(student, kind, category, on=date(2022, 9, 20)):
    services.add_record(
        None,
        student,
        Destination,
        {
            "type": kind,
            "subject_category": category,
            "subject": None,
            "provider": None,
            "evidence": "ucas",
            "recorded_on": on,
        },
    )


def _cohort():
    """School 111111, Year 7 in 2015: Ada (target) did it all; Ben (target) got a 6, then
    A-level Maths, then withdrew, and went to work; Cy has no results. School 222222: Di."""
    school, other = make_school(urn="111111"), make_school(urn="222222")
    ada = make_student(school, entry_year=2015, is_target=True, pupil_premium=True)
    ben = make_student(school, entry_year=2015, is_target=True)
    make_student(school, entry_year=2015)
    di = make_student(other, entry_year=2016, is_target=True)
    services.record_grade(None, ada, "gcse_maths", "final", "8", "higher", date(2020, 8, 20))
    _post16(ada, "a_level_maths", "enrolled", date(2020, 9, 5))
    _post16(ada, "a_level_further_maths", "enrolled", date(2020, 9, 5))
    services.record_grade(None, ada, "a_level_maths", "final", "A*", None, date(2022, 8, 18))
    services.record_grade(None, ada, "a_level_further_maths", "final", "B", None, date(2022, 8, 18))
    _destination(ada, "higher_education", "mathematics")
    services.record_grade(None, ben, "gcse_maths", "final", "6", "higher", date(2020, 8, 20))
    _post16(ben, "a_level_maths", "enrolled", date(2020, 9, 5))
    _post16(ben, "a_level_maths", "withdrawn", date(2021, 1, 5))
    _destination(ben, "employment", None)
    services.record_grade(None, di, "gcse_maths", "final", "9", "higher", date(2021, 8, 20))
    db.session.commit()


def _run(runner, *args):
    result = runner.invoke(args=["outcomes", *args])
    return result, (
        json.loads(result.output) if result.exit_code == 0 and "--json" in args else None
    )


def test_outcomes_json_of_a_school(runner):
    _cohort()
    result, data = _run(runner, "--school", "111111", "--json")
    assert result.exit_code == 0, result.output
    assert data["students"] == 3
    assert data["filters"] == {"school": "111111", "cohort": None, "group": "all", "current": False}
    assert data["gcse_7_to_9"] == {
        "numerator": 1,
        "denominator": 2,
        "unknown": 1,
        "assumed_no": 0,
        "left": 0,
        "share": 0.5,
        "definition": {
            "id": "gcse_7_9",
            "version": 2,
            "doc": "docs/outcomes.md#2-gcse-maths-at-grade-7-9",
        },
    }
    assert data["a_level_choice"]["maths"]["numerator"] == 1  # Ben withdrew
    assert data["a_level_choice"]["further_maths"]["numerator"] == 1
    top = data["a_level_top_grades"]["maths"]
    assert (top["numerator"], top["denominator"], top["unknown"], top["share"]) == (1, 1, 2, 1.0)
    assert (top["definition"]["id"], top["definition"]["version"]) == ("a_star_a_per_entrant", 2)
    assert data["a_level_top_grades"]["further_maths"]["numerator"] == 0
    degree = data["maths_degree"]["mathematics"]
    assert (degree["numerator"], degree["denominator"], degree["unknown"]) == (1, 2, 1)
    assert (degree["assumed_no"], degree["share"]) == (0, 0.5)
    assert degree["definition"]["id"] == "maths_degree"
    assert data["enjoyment"]["pooled_wave_means"] == []


def test_outcomes_filters_by_cohort_and_target(runner):
    _cohort()
    _, everyone = _run(runner, "--json")
    assert everyone["students"] == 4
    assert everyone["gcse_7_to_9"]["numerator"] == 2
    # No confirmed target list: today's marks (Ada, Ben), and the cohort says so.
    _, targets = _run(runner, "--cohort", "2015", "--target-only", "--json")
    assert targets["students"] == 2
    assert targets["gcse_7_to_9"]["denominator"] == 2
    assert [c["targets_from"] for c in targets["cohorts"]] == ["current_marks"]
    _, by_group = _run(runner, "--cohort", "2015", "--group", "target", "--json")
    assert by_group == targets
    _, none = _run(runner, "--cohort", "2010", "--json")
    assert none["students"] == 0 and none["gcse_7_to_9"]["share"] is None
    assert none["cohorts"] == []


def test_outcomes_table_and_unknown_school(runner):
    _cohort()
    table = runner.invoke(args=["outcomes", "--school", "111111"])
    assert table.exit_code == 0
    assert "2. GCSE Maths 7-9: 1/2 (50%); unknown 1, assumed no 0  [gcse_7_9 v2]" in table.output
    assert "111111 2015/16: 3 in the group; target list not confirmed" in table.output
    bad = runner.invoke(args=["outcomes", "--school", "999999", "--json"])
    assert bad.exit_code == 2  # a usage error, never a traceback
    assert "No school has URN '999999'" in bad.output
    assert "Traceback" not in bad.output


def test_a_student_who_left_before_the_end_of_year_11_is_not_in_the_gcse_cohort(runner):
    _cohort()
    school = db.session.scalars(db.select(School).where(School.urn == "111111")).one()
    moved = make_student(school, entry_year=2015, left_on=date(2019, 4, 1))
    services.record_grade(None, moved, "gcse_maths", "final", "9", "higher", date(2020, 8, 20))
    db.session.commit()
    result, data = _run(runner, "--school", "111111", "--json")
    assert data["students"] == 4
    gcse = data["gcse_7_to_9"]
    assert (gcse["numerator"], gcse["denominator"], gcse["unknown"], gcse["left"]) == (1, 2, 1, 1)
    table, _ = _run(runner, "--school", "111111")
    assert "left before it 1" in table.output
