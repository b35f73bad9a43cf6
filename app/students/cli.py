"""`flask students codes`: the personal survey codes of a school, as CSV; `flask targets
freeze`: confirm a cohort's target list."""

import csv
import sys
from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app import academic
from app.csv_safety import safe_cell
from app.extensions import db
from app.models import School, Student
from app.students import baseline

targets_cli = AppGroup("targets", help="Confirm cohorts' target lists.")


def register(students_cli) -> None:
    @students_cli.command("codes")
    @click.option("--school", "urn", required=True, help="The school's URN.")
    def codes(urn: str) -> None:
        """Print upn, name and survey code of every current student of a school, as CSV."""
        school = db.session.scalar(select(School).where(School.urn == urn.strip()))
        if school is None:
            raise click.ClickException(f"No school has URN {urn}")
        students = db.session.scalars(
            select(Student)
            .where(Student.school_id == school.id, Student.on_roll())
            .order_by(Student.last_name, Student.first_name)
        )
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["upn", "name", "survey code"])
        for student in students:
            writer.writerow(
                [safe_cell(student.upn), safe_cell(student.full_name), student.survey_code]
            )


@targets_cli.command("freeze")
@click.option("--school", "urn", required=True, help="The school's URN.")
@click.option(
    "--cohort",
    type=int,
    required=True,
    metavar="YEAR",
    help="The academic year the cohort entered Year 7 (2024: Year 7 in 2024/25).",
)
@click.option("--criteria", default="", help="How the target students were chosen.")
def freeze(urn: str, cohort: int, criteria: str) -> None:
    """Confirm the target list of a school's cohort: the students marked as target students
    (and on roll) today, kept with today's date and the criteria. Never replaces a list."""
    school = db.session.scalar(select(School).where(School.urn == urn.strip()))
    if school is None:
        raise click.ClickException(f"No school has URN {urn}")
    try:
        confirmed = baseline.confirm_target_list(None, school, cohort, criteria, date.today())
    except baseline.BaselineError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"Confirmed the target list of the cohort that entered Year 7 in "
        f"{academic.label(cohort)} at {school.name}: {len(confirmed.students)} students."
    )
