"""`flask outcomes --group ... [--current]`: each group's students, the target baseline by
default, every figure with its definition, per-cohort notes, and clear errors for bad options.

The cohort: school 111111, Year 7 in 2015 (before the programme), target list confirmed on
1 October 2015 with Tia and Uma; then Uma was unmarked and Lee marked.

| student | baseline group | --current group | KS4 GCSE |
|---|---|---|---|
| Tia (target, on the list) | target | target | 8 |
| Uma (on the list, unmarked later, FSM Ever 6) | target | disadvantaged | 5 |
| Lee (marked after the baseline) | others | target | 9 |
| Dee (FSM Ever 6) | disadvantaged | disadvantaged | 7 |
| Oli | others | others | 4 |

School 222222, Year 7 in 2020: Nia, marked, no confirmed list (today's marks count), GCSE 6.
"""

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from app.extensions import db
from app.students.baseline import confirm_target_list
from surveys import services as surveys
from surveys.services import ScaleHistory, ScorePoint
from surveys.waves import wave_of
from tests.factories import make_school, make_student
from tracking import definitions, services

DOCS = Path(__file__).resolve().parents[2] / "docs" / "outcomes.md"
RATE_KEYS = {"numerator", "denominator", "unknown", "assumed_no", "left", "share", "definition"}


def _final(student, qualification, grade, on):
    tier = "higher" if qualification == "gcse_maths" else None
    services.record_grade(None, student, qualification, "final", grade, tier, on)


@pytest.fixture
def cohort(app):
    school, other = make_school(urn="111111"), make_school(urn="222222")
    people = {
        "tia": make_student(school, entry_year=2015, is_target=True),
        "uma": make_student(school, entry_year=2015, is_target=True, fsm_ever6=True),
        "lee": make_student(school, entry_year=2015),
        "dee": make_student(school, entry_year=2015, fsm_ever6=True),
        "oli": make_student(school, entry_year=2015),
        "nia": make_student(other, entry_year=2020, is_target=True),
    }
    confirm_target_list(None, school, 2015, "KS2 110+ and FSM Ever 6", date(2015, 10, 1))
    people["uma"].is_target = False
    people["lee"].is_target = True
    for name, grade in (("tia", "8"), ("uma", "5"), ("lee", "9"), ("dee", "7"), ("oli", "4")):
        _final(people[name], "gcse_maths", grade, date(2020, 8, 20))
    _final(people["nia"], "gcse_maths", "6", date(2025, 8, 21))
    # Outcome 4: Tia took A-level Maths (A*) and AS Maths (A); Uma nothing.
    _final(people["tia"], "as_maths", "A", date(2021, 8, 19))
    _final(people["tia"], "a_level_maths", "A*", date(2022, 8, 18))
    db.session.commit()
    return {name: student.id for name, student in people.items()}


def run(runner, *args):
    result = runner.invoke(args=["outcomes", *args])
    assert "Traceback" not in result.output
    return result


def figures(runner, *args) -> dict:
    result = run(runner, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def gcse(data) -> tuple[int, int]:
    return data["gcse_7_to_9"]["numerator"], data["gcse_7_to_9"]["denominator"]


@pytest.mark.parametrize(
    "group, current, students, expected",
    [
        ("target", False, 2, (1, 2)),  # Tia 8, Uma 5: the baseline, Uma kept
        ("disadvantaged", False, 1, (1, 1)),  # Dee 7
        ("others", False, 2, (1, 2)),  # Lee 9 (added after baseline), Oli 4
        ("all", False, 5, (3, 5)),
        ("target", True, 2, (2, 2)),  # today's marks: Tia 8, Lee 9
        ("disadvantaged", True, 2, (1, 2)),  # Uma 5, Dee 7
        ("others", True, 1, (0, 1)),  # Oli 4
        ("all", True, 5, (3, 5)),
    ],
)
def test_each_group_counts_its_students_by_the_baseline_or_today(
    runner, cohort, group, current, students, expected
):
    args = ["--school", "111111", "--group", group] + (["--current"] if current else [])
    data = figures(runner, *args)
    assert data["students"] == students
    assert gcse(data) == expected
    assert data["filters"] == {
        "school": "111111",
        "cohort": None,
        "group": group,
        "current": current,
    }
    assert data["group"]["targets_from"] == ("current_marks" if current else "baseline")


def test_target_only_is_the_same_as_group_target(runner, cohort):
    for extra in ((), ("--current",)):
        same = figures(runner, "--school", "111111", "--target-only", *extra)
        assert same == figures(runner, "--school", "111111", "--group", "target", *extra)
    assert figures(runner, "--target-only", "--group", "target")["group"]["key"] == "target"


def test_every_figure_has_its_rate_and_its_definition(runner, cohort):
    data = figures(runner, "--group", "target")
    seen = set()
    for path, figure in definitions.figures(data):
        definition = figure["definition"]
        assert set(definition) == {"id", "version", "doc"}
        assert definition["version"] == 2
        assert definition["doc"].startswith("docs/outcomes.md#")
        seen.add(definition["id"])
        if path[0] not in ("enjoyment", "engagement"):
            assert set(figure) == RATE_KEYS, path
            assert figure["share"] == (
                figure["numerator"] / figure["denominator"] if figure["denominator"] else None
            )
    assert seen == set(definitions.BY_ID)
    assert data["gcse_7_to_9"]["definition"] == {
        "id": "gcse_7_9",
        "version": 2,
        "doc": "docs/outcomes.md#2-gcse-maths-at-grade-7-9",
    }
    assert data["a_level_choice"]["further_maths"]["definition"]["id"] == (
        "further_maths_among_a_level"
    )
    assert data["enjoyment"]["definition"]["id"] == "enjoyment_paired_change"
    assert data["engagement"]["definition"]["id"] == "engagement_paired_change"

    def no_rate_without_definition(node):
        if isinstance(node, dict):
            assert "numerator" not in node or "definition" in node, node
            for value in node.values():
                no_rate_without_definition(value)
        elif isinstance(node, list):
            for value in node:
                no_rate_without_definition(value)

    no_rate_without_definition(data)


def test_outcome_4_per_baseline_target_student_and_as_apart(runner, cohort):
    top = figures(runner, "--group", "target")["a_level_top_grades"]
    # Per entrant: Tia, the only A-level Maths entrant, got A*.
    assert (top["maths"]["numerator"], top["maths"]["denominator"]) == (1, 1)
    # Per baseline target student: Tia of Tia and Uma; Uma is assumed no.
    per_student = top["per_student"]["maths"]
    assert (per_student["numerator"], per_student["denominator"]) == (1, 2)
    assert per_student["assumed_no"] == 1
    assert top["as_level"]["maths"]["numerator"] == 1
    assert top["as_level"]["maths"]["definition"]["id"] == "as_a_per_entrant"


def test_each_cohort_says_its_target_basis_and_whether_before_the_programme(runner, cohort):
    data = figures(runner, "--group", "target")
    early, late = data["cohorts"]
    assert early == {
        "school": "111111",
        "entry_year": 2015,
        "academic_year": "2015/16",
        "before_programme": True,
        "target_baseline": {"confirmed_on": "2015-10-01", "criteria": "KS2 110+ and FSM Ever 6"},
        "targets_from": "baseline",
        "students": 2,
        "added_after_baseline": 1,  # Lee
    }
    assert late["school"] == "222222" and late["entry_year"] == 2020
    assert late["before_programme"] is False
    assert late["target_baseline"] is None
    assert late["targets_from"] == "current_marks"
    assert "today's marks" in late["note"]
    assert late["students"] == 1  # Nia, by today's mark
    # With --current, even a confirmed cohort uses today's marks.
    current = figures(runner, "--group", "target", "--current")["cohorts"][0]
    assert current["targets_from"] == "current_marks" and current["students"] == 2


def test_cohort_takes_a_year_or_an_academic_year(runner, cohort):
    for value in ("2015", "2015/16", "2015-2016"):
        data = figures(runner, "--cohort", value)
        assert data["students"] == 5 and data["filters"]["cohort"] == 2015
    assert figures(runner, "--cohort", "2020", "--group", "target")["students"] == 1


def test_before_the_programme_follows_programme_start_year(app, runner, cohort):
    app.config["PROGRAMME_START_YEAR"] = 2019
    data = figures(runner, "--cohort", "2015")
    assert data["cohorts"][0]["before_programme"] is False


@pytest.mark.parametrize(
    "args, message",
    [
        (["--school", "999999"], "No school has URN '999999'"),
        (["--cohort", "twenty"], "Entry year must be a year such as 2019 or 2019/20"),
        (["--cohort", "2015/17"], "is not an academic year"),
        (["--cohort", "2999"], "has not started yet"),
        (["--group", "boys"], "'boys' is not one of 'target', 'disadvantaged'"),
        (["--target-only", "--group", "others"], "--target-only is --group target"),
    ],
)
def test_bad_options_are_usage_errors_with_a_clear_message(runner, cohort, args, message):
    result = run(runner, *args, "--json")
    assert result.exit_code == 2
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _scores(by_student):
    """Fake the surveys area: enjoyment per student id as [(day, score), ...]."""

    def scores_for_students(student_ids):
        found = {}
        for sid in student_ids:
            points = [
                ScorePoint(n, datetime.combine(day, datetime.min.time()), wave_of(day), "E", s)
                for n, (day, s) in enumerate(by_student.get(sid, ()), start=1)
            ]
            found[sid] = [ScaleHistory("enjoyment", "Enjoyment", 1, 4, points)] if points else []
        return found

    return scores_for_students


def test_outcome_1_splits_targets_by_the_baseline_unless_current(runner, cohort, monkeypatch):
    # Uma (on the list, unmarked later) rose by 1; Lee (marked after the list) fell by 1.
    monkeypatch.setattr(
        surveys,
        "scores_for_students",
        _scores(
            {
                cohort["uma"]: [(date(2016, 10, 1), 2.0), (date(2019, 2, 1), 3.0)],
                cohort["lee"]: [(date(2016, 10, 1), 3.0), (date(2019, 2, 1), 2.0)],
            }
        ),
    )

    def target_change(*args):
        cells = figures(runner, "--school", "111111", *args)["enjoyment"]["paired_change"]
        (cell,) = [c for c in cells if c["group"] == "target"]
        return cell["n"], cell["mean_change"]

    assert target_change() == (1, 1.0)  # Uma, by the baseline
    assert target_change("--current") == (1, -1.0)  # Lee, by today's marks


def test_the_table_is_readable(runner, cohort):
    result = run(runner, "--school", "111111", "--group", "target")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Group: Target students (target students by the baseline)" in text
    assert (
        "111111 2015/16: 2 in the group; target list confirmed 01/10/2015; "
        "1 added after baseline; before the programme"
    ) in text
    assert "2. GCSE Maths 7-9: 1/2 (50%); unknown 0, assumed no 0  [gcse_7_9 v2]" in text
    assert "A-level Maths A/A*, per student: 1/2 (50%); unknown 0, assumed no 1" in text
    assert "Definitions: docs/outcomes.md" in text
    current = run(runner, "--school", "111111", "--group", "target", "--current").output
    assert "(target students by today's marks)" in current
    assert "(today's marks asked for)" in current


# --- The registry and docs/outcomes.md -------------------------------------------------------


def _slug(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_definition_points_at_a_section_and_is_in_the_versions_table():
    text = DOCS.read_text(encoding="utf-8")
    anchors = {_slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("## ")}
    table = text.split("## Definition versions", 1)[1]
    rows = {
        cells[0].strip("` "): cells
        for cells in (
            [cell.strip() for cell in line.strip("|").split("|")]
            for line in table.splitlines()
            if line.startswith("| `")
        )
    }
    assert set(rows) == set(definitions.BY_ID)
    for definition in definitions.DEFINITIONS:
        assert definition.anchor in anchors, definition.id
        assert rows[definition.id][1] == str(definition.version), definition.id
        assert f"(#{definition.anchor})" in rows[definition.id][2], definition.id
    assert {ident for ident in definitions.FIGURES.values()} == set(definitions.BY_ID)


def test_the_figures_take_a_fixed_number_of_queries_whatever_the_cohorts(
    app, cohort, count_queries
):
    from tracking.cli import outcomes_for

    with count_queries() as few:
        outcomes_for(group="target")
    for urn, entry_year in (("333333", 2016), ("444444", 2017), ("555555", 2018)):
        school = make_school(urn=urn)
        for _ in range(3):
            make_student(school, entry_year=entry_year, is_target=True)
        confirm_target_list(None, school, entry_year, "", date(entry_year, 10, 1))
    db.session.commit()
    with count_queries() as many:
        result = outcomes_for(group="target")
    assert len(result["cohorts"]) == 5 and result["students"] == 2 + 1 + 9
    assert len(many) == len(few)
