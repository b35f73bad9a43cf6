"""`flask students codes`: the personal survey codes of a school, as CSV."""

import csv
import sys

import click
from sqlalchemy import select

from app.csv_safety import safe_cell
from app.extensions import db
from app.models import School, Student


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
