"""`flask grades import FILE --school URN`: the grades import from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.imports.roster import RosterFileError
from app.models import School
from tracking.results.services import apply_grades, preview_grades

grades_cli = AppGroup("grades", help="Grades: import a file of grades.")

IMPORT_HELP = """Import grades from a CSV or XLSX file with the columns UPN, Qualification,
Kind, Grade, Tier and Date (Tier and Date optional; an empty date is today).

Every row is checked first and nothing is written if any row has a problem. Problems are
printed to standard error, one a line, as `row N, column C: message` (row 1 is the header);
the summary to standard output. A row that repeats a student's current grade (same grade,
tier and date) is skipped, so importing a file twice adds nothing the second time.

\b
Exit status:
  0  imported (or, with --dry-run, would import) without problems.
  1  problems found and nothing written; or the file could not be read.
"""


@grades_cli.command("import", help=IMPORT_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--school", "urn", required=True, help="The school's URN.")
@click.option("--dry-run", is_flag=True, help="Check the file and print what would happen.")
def import_command(file: Path, urn: str, dry_run: bool) -> None:
    school = db.session.scalar(select(School).where(School.urn == urn.strip()))
    if school is None:
        raise click.ClickException(f"No school has URN {urn}")
    try:
        plan = preview_grades(school, file.read_bytes(), file.name)
    except RosterFileError as error:
        raise click.ClickException(str(error)) from error
    if plan.result.ignored_columns:
        click.echo("Ignored columns: " + ", ".join(plan.result.ignored_columns))
    if plan.errors:
        for error in plan.errors:
            click.echo(str(error), err=True)
        count = len(plan.errors)
        click.echo(
            f"Nothing was imported: {count} problem{'' if count == 1 else 's'}. "
            "Fix the file and run the command again.",
            err=True,
        )
        raise SystemExit(1)
    if not plan.result.records:
        raise click.ClickException("The file has no grade rows.")
    if dry_run:
        click.echo(f"Dry run, nothing was written. Would import: {plan.summary()}")
        return
    apply_grades(None, plan)
    db.session.commit()
    click.echo(plan.summary())
