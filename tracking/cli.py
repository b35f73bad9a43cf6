"""`flask outcomes`: the programme's five outcomes over a set of students, for one group
(tracking.baseline), each figure with its definition's id and version (tracking.definitions)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app import academic
from app.extensions import db
from app.imports.cells import CellError
from app.imports.roster import parse_entry_year
from app.models import School, Student, TargetBaseline
from tracking import definitions, outcomes, queries
from tracking.baseline import (
    OutcomeGroup,
    added_after_baseline,
    before_programme,
    is_target_for_figures,
    students_in,
)
from tracking.destinations import related

BASELINE, CURRENT_MARKS = "baseline", "current_marks"
NO_BASELINE_NOTE = "No confirmed target list: target figures use today's marks (provisional)"


class CohortYear(click.ParamType):
    """A cohort: the academic year of entry to Year 7, as 2019 or 2019/20."""

    name = "year"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_entry_year(str(value), date.today())
        except CellError as error:
            self.fail(str(error), param, ctx)


def _school(urn: str | None) -> School | None:
    """The school of a URN (None for none); click.BadParameter (exit code 2) if unknown."""
    if urn is None:
        return None
    school = db.session.scalar(select(School).where(School.urn == urn.strip()))
    if school is None:
        raise click.BadParameter(f"No school has URN {urn.strip()[:20]!r}", param_hint="--school")
    return school


def _cohorts(students: list, chosen: list, current: bool) -> list[dict[str, Any]]:
    """Per school cohort of `students`: whether it is before the programme, its confirmed
    target list (or none, and so today's marks), how many of it are in the group chosen
    and how many were marked as targets after the baseline. Two queries."""
    keys = sorted({(s.school_id, s.entry_year) for s in students})
    school_ids = {school_id for school_id, _ in keys}
    urns = {
        row.id: row.urn
        for row in db.session.execute(
            select(School.id, School.urn).where(School.id.in_(school_ids))
        )
    }
    baselines = {
        (b.school_id, b.entry_year): b
        for b in db.session.scalars(
            select(TargetBaseline).where(TargetBaseline.school_id.in_(school_ids))
        )
    }
    in_group = Counter((s.school_id, s.entry_year) for s in chosen)
    added = Counter((s.school_id, s.entry_year) for s in added_after_baseline(students))
    start = current_app.config.get("PROGRAMME_START_YEAR", 2024)
    found = []
    for key in keys:
        school_id, entry_year = key
        baseline = baselines.get(key)
        cohort = {
            "school": urns.get(school_id),
            "entry_year": entry_year,
            "academic_year": academic.label(entry_year),
            "before_programme": before_programme(entry_year, start),
            "target_baseline": (
                {"confirmed_on": baseline.confirmed_on.isoformat(), "criteria": baseline.criteria}
                if baseline
                else None
            ),
            "targets_from": BASELINE if baseline and not current else CURRENT_MARKS,
            "students": in_group[key],
            "added_after_baseline": added[key],
        }
        if baseline is None:
            cohort["note"] = NO_BASELINE_NOTE
        found.append(cohort)
    return found


def outcomes_for(
    urn: str | None = None,
    cohort: int | None = None,
    target_only: bool = False,
    group: str | None = None,
    current: bool = False,
    today: date | None = None,
) -> dict:
    """Return the five outcomes (tracking.outcomes.five_outcomes) of the students of a school
    (URN) and cohort (Year 7 entry year) in `group` (tracking.baseline; `target_only` is
    group "target"), target students by the baseline unless `current`; every figure with its
    definition, and per cohort the basis of its target figures. Raises click.BadParameter
    for an unknown URN."""
    chosen_group = OutcomeGroup(group or (OutcomeGroup.TARGET if target_only else OutcomeGroup.ALL))
    school = _school(urn)
    stmt = select(Student)
    if school is not None:
        stmt = stmt.where(Student.school_id == school.id)
    if cohort is not None:
        stmt = stmt.where(Student.entry_year == cohort)
    students = queries.outcome_data(stmt)
    chosen = students_in(students, chosen_group, current)
    result = outcomes.five_outcomes(
        chosen,
        maths_related=related.current(),
        is_target=lambda student: is_target_for_figures(student, current),
        today=today,
    )
    return {
        "filters": {
            "school": school.urn if school else None,
            "cohort": cohort,
            "group": chosen_group.value,
            "current": current,
        },
        "group": {
            "key": chosen_group.value,
            "label": chosen_group.label,
            "targets_from": CURRENT_MARKS if current else BASELINE,
        },
        "cohorts": _cohorts(students, chosen, current),
        **definitions.with_definitions(result),
    }


def _share(rate: dict) -> str:
    share = "n/a" if rate["share"] is None else f"{rate['share']:.0%}"
    left = f", left before it {rate['left']}" if rate.get("left") else ""
    tag = f"  [{rate['definition']['id']} v{rate['definition']['version']}]"
    return (
        f"{rate['numerator']}/{rate['denominator']} ({share}); "
        f"unknown {rate['unknown']}, assumed no {rate['assumed_no']}{left}{tag}"
    )


def _paired_lines(outcome: dict, name: str) -> list[str]:
    """Outcome 1 on one scale: the paired change within students per cohort and group."""
    cells = [
        f"{c['cohort']} {c['group'].replace('_', '-')} {c['mean_change']:+.2f} (n={c['n']})"
        for c in outcome["paired_change"]
        if c["n"]
    ]
    tag = f"  [{outcome['definition']['id']} v{outcome['definition']['version']}]"
    return [f"{name} (Years 7-11), paired change: {'; '.join(cells) or 'no pairs'}{tag}"]


def _cohort_line(cohort: dict) -> str:
    baseline = cohort["target_baseline"]
    if baseline is None:
        targets = "target list not confirmed: today's marks"
    else:
        confirmed = date.fromisoformat(baseline["confirmed_on"])
        targets = f"target list confirmed {confirmed:%d/%m/%Y}"
        if cohort["targets_from"] == CURRENT_MARKS:
            targets += " (today's marks asked for)"
    parts = [
        f"  {cohort['school']} {cohort['academic_year']}: {cohort['students']} in the group",
        targets,
    ]
    if cohort["added_after_baseline"]:
        parts.append(f"{cohort['added_after_baseline']} added after baseline")
    if cohort["before_programme"]:
        parts.append("before the programme")
    return "; ".join(parts)


def _table(result: dict) -> str:
    choice, top, degree = (
        result["a_level_choice"],
        result["a_level_top_grades"],
        result["maths_degree"],
    )
    group = result["group"]
    basis = "today's marks" if group["targets_from"] == CURRENT_MARKS else "the baseline"
    lines = [
        f"Group: {group['label']} (target students by {basis})",
        f"Students: {result['students']}",
        "Cohorts (Year 7 entry):",
        *(_cohort_line(cohort) for cohort in result["cohorts"]),
        *_paired_lines(result["enjoyment"], "1. Enjoyment"),
        *_paired_lines(result["engagement"], "   Engagement"),
        f"2. GCSE Maths 7-9: {_share(result['gcse_7_to_9'])}",
        f"3. A-level Maths: {_share(choice['maths'])}",
        f"   Further Maths of A-level Maths: {_share(choice['further_maths'])}",
        f"   Any Level 3 maths: {_share(choice['any_level_3_maths'])}",
        f"   GCSE 7+, A-level Maths: {_share(choice['gcse_7_plus']['maths'])}",
        f"   GCSE 7+, Further Maths of those: {_share(choice['gcse_7_plus']['further_maths'])}",
        f"   GCSE 7+, any Level 3 maths: {_share(choice['gcse_7_plus']['any_level_3_maths'])}",
        f"4. A-level Maths A/A*, per entrant: {_share(top['maths'])}",
        f"   A-level Further Maths A/A*, per entrant: {_share(top['further_maths'])}",
        f"   A-level Maths A/A*, per student: {_share(top['per_student']['maths'])}",
        f"   A-level Further Maths A/A*, per student: "
        f"{_share(top['per_student']['further_maths'])}",
        f"   AS Maths A, per entrant: {_share(top['as_level']['maths'])}",
        f"   AS Further Maths A, per entrant: {_share(top['as_level']['further_maths'])}",
        f"5. Mathematics degree: {_share(degree['mathematics'])}",
        f"   of which joint honours: {degree['mathematics_joint_honours']}",
        f"   Maths-related degree: {_share(degree['maths_related'])}",
        f"   Degree apprenticeship, mathematics: "
        f"{_share(degree['degree_apprenticeship']['mathematics'])}",
        f"   Degree apprenticeship, maths-related: "
        f"{_share(degree['degree_apprenticeship']['maths_related'])}",
        f"   Deferred: {degree['deferred']} (mathematics {degree['deferred_mathematics']}); "
        f"pending: {degree['pending']}",
        f"Definitions: {definitions.DOC}",
    ]
    return "\n".join(lines)


@click.command("outcomes")
@click.option("--school", "urn", metavar="URN", help="Only the students of this school.")
@click.option(
    "--cohort",
    type=CohortYear(),
    metavar="YEAR",
    help="Only the students who entered Year 7 in the academic year starting in YEAR "
    "(2019 or 2019/20: Year 7 in 2019/20, GCSEs in summer 2024).",
)
@click.option(
    "--group",
    type=click.Choice([group.value for group in OutcomeGroup]),
    help="Only this group: target students, other disadvantaged students, all others, or "
    "all (the default).",
)
@click.option("--target-only", is_flag=True, help="Only target students (= --group target).")
@click.option(
    "--current",
    is_flag=True,
    help="Target students by today's marks instead of the confirmed target list (baseline).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@with_appcontext
def outcomes_command(
    urn: str | None,
    cohort: int | None,
    group: str | None,
    target_only: bool,
    current: bool,
    as_json: bool,
):
    """Print the five outcomes of the programme's students, each figure with its definition
    (docs/outcomes.md). Target figures count each cohort's confirmed target list unless
    --current is given."""
    if target_only and group not in (None, OutcomeGroup.TARGET):
        raise click.UsageError(
            f"--target-only is --group target: it cannot go with --group {group}"
        )
    result = outcomes_for(urn, cohort, target_only, group, current)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(_table(result))
