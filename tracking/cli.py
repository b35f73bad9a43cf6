"""`flask outcomes`: the programme's five outcomes over a set of students."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.extensions import db
from app.models import School, Student
from tracking import outcomes, queries
from tracking.destinations import related


def outcomes_for(urn: str | None, cohort: int | None, target_only: bool) -> dict:
    """Return the five outcomes (tracking.outcomes.five_outcomes) of the chosen students, with
    the filters applied. Raises click.ClickException for an unknown URN."""
    stmt = select(Student)
    school = None
    if urn:
        school = db.session.scalar(select(School).where(School.urn == urn.strip()))
        if school is None:
            raise click.ClickException(f"No school has URN {urn}")
        stmt = stmt.where(Student.school_id == school.id)
    if cohort is not None:
        stmt = stmt.where(Student.entry_year == cohort)
    if target_only:
        stmt = stmt.where(Student.is_target.is_(True))
    students = outcomes.filter_students(
        queries.outcome_data(stmt),
        school_id=school.id if school else None,
        cohort=cohort,
        target_only=target_only,
    )
    result = outcomes.five_outcomes(students, maths_related=related.current())
    return {
        "filters": {"school": urn, "cohort": cohort, "target_only": target_only},
        **result,
    }


def _share(rate: dict) -> str:
    share = "n/a" if rate["share"] is None else f"{rate['share']:.0%}"
    left = f", left before it {rate['left']}" if rate.get("left") else ""
    return (
        f"{rate['numerator']}/{rate['denominator']} ({share}); "
        f"unknown {rate['unknown']}, assumed no {rate['assumed_no']}{left}"
    )


def _paired_lines(outcome: dict, name: str) -> list[str]:
    """Outcome 1 on one scale: the paired change within students per cohort and group."""
    cells = [
        f"{c['cohort']} {c['group'].replace('_', '-')} {c['mean_change']:+.2f} (n={c['n']})"
        for c in outcome["paired_change"]
        if c["n"]
    ]
    return [f"{name} (Years 7-11), paired change: {'; '.join(cells) or 'no pairs'}"]


def _table(result: dict) -> str:
    lines = [
        f"Students: {result['students']}",
        *_paired_lines(result["enjoyment"], "1. Enjoyment"),
        *_paired_lines(result["engagement"], "   Engagement"),
        f"2. GCSE Maths 7-9: {_share(result['gcse_7_to_9'])}",
        f"3. A-level Maths: {_share(result['a_level_choice']['maths'])}",
        f"   Further Maths of A-level Maths: {_share(result['a_level_choice']['further_maths'])}",
        f"   Any Level 3 maths: {_share(result['a_level_choice']['any_level_3_maths'])}",
        f"4. A-level Maths A/A*: {_share(result['a_level_top_grades']['maths'])}",
        f"   A-level Further Maths A/A*: {_share(result['a_level_top_grades']['further_maths'])}",
        f"5. Mathematics degree: {_share(result['maths_degree']['mathematics'])}",
        f"   Maths-related degree: {_share(result['maths_degree']['maths_related'])}",
    ]
    return "\n".join(lines)


@click.command("outcomes")
@click.option("--school", "urn", metavar="URN", help="Only the students of this school.")
@click.option(
    "--cohort",
    type=int,
    metavar="YEAR",
    help="Only the students who entered Year 7 in the academic year starting in YEAR "
    "(2019: Year 7 in 2019/20, GCSEs in summer 2024).",
)
@click.option("--target-only", is_flag=True, help="Only target students.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@with_appcontext
def outcomes_command(urn: str | None, cohort: int | None, target_only: bool, as_json: bool):
    """Print the five outcomes of the programme's students."""
    result = outcomes_for(urn, cohort, target_only)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(_table(result))
