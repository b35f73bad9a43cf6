"""The command of every import, `flask <group> import FILE --school URN [--dry-run]
[--valid-only]`, built for an importer by `import_command`; and the roster's,
`flask students import`."""

from pathlib import Path

import click
from sqlalchemy import select

from app.extensions import db
from app.imports import uploads
from app.imports.importer import Importer, ImportPlan
from app.imports.services import ROSTER
from app.imports.table import ImportFileError, encoding_name
from app.models import School

EXIT_STATUS = """
The file is read as the web pages read it, in a child process with limits. A CSV file is
read as UTF-8 when it is valid UTF-8, else in the encoding found likeliest (named on
standard error); --encoding (a Python codec name, such as cp1252) chooses another.
Every row is checked first. Problems are printed to standard error, one a line, as
`row N, column C: message` (row 1 is the header); the summary to standard output.
Nothing is written if any row has a problem, unless --valid-only is given: then the
valid rows are written, all in one transaction.

\b
Exit status:
  0  imported (or, with --dry-run, would import) without problems;
     with --valid-only, at least one row was valid and those were imported.
  1  problems found and nothing written; or the file could not be read;
     or, with --valid-only, no row was valid.
"""

ROSTER_HELP = """Import students from a CSV or XLSX file exported from the school MIS.

Students are matched by UPN: a known UPN updates that student, never duplicates them; a
Group, Maths Set or Class column adds the student to that group, created if new.
"""


def import_command(importer: Importer, description: str) -> click.Command:
    """Return the `import` command of `importer`: read FILE for the school of --school,
    print the problems and the summary, and write (unless --dry-run) every row, or with
    --valid-only the valid rows; `description` opens its help."""

    @click.command("import", help=description + EXIT_STATUS)
    @click.argument(
        "file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
    )
    @click.option("--school", "urn", required=True, help="The school's URN.")
    @click.option("--dry-run", is_flag=True, help="Check the file and print what would happen.")
    @click.option(
        "--valid-only",
        is_flag=True,
        help="Import the valid rows even when other rows have problems.",
    )
    @click.option("--encoding", help="Read a CSV file in this encoding (e.g. cp1252, utf_8).")
    def command(
        file: Path, urn: str, dry_run: bool, valid_only: bool, encoding: str | None
    ) -> None:
        school = db.session.scalar(select(School).where(School.urn == urn.strip()))
        if school is None:
            raise click.ClickException(f"No school has URN {urn}")
        try:
            table = uploads.read_file(file.read_bytes(), file.name, encoding)
        except ImportFileError as error:
            raise click.ClickException(str(error)) from error
        if table.encoding not in (None, "utf_8"):
            click.echo(f"Read as {encoding_name(table.encoding)}.", err=True)
        plan = importer.preview(school, table)

        for error in plan.errors:
            click.echo(str(error), err=True)
        if plan.result.ignored_columns:
            click.echo("Ignored columns: " + ", ".join(plan.result.ignored_columns))
        if not plan.errors and not plan.result.records:
            raise click.ClickException(f"The file has no {importer.row_noun} rows.")
        nothing = "Dry run: would import nothing" if dry_run else "Nothing was imported"
        if plan.errors and not valid_only:
            click.echo(
                f"{nothing}: {_problems(plan)}. "
                "Fix them, or use --valid-only to import the valid rows.",
                err=True,
            )
            raise SystemExit(1)
        if not plan.result.records:
            click.echo(f"{nothing}: {_problems(plan)} and no row is valid.", err=True)
            raise SystemExit(1)
        if dry_run:
            click.echo(f"Dry run, nothing was written. Would import: {plan.summary()}")
            return
        summary = importer.apply(None, school, plan, valid_only=valid_only)
        db.session.commit()
        click.echo(str(summary))

    return command


def _problems(plan: ImportPlan) -> str:
    if plan.result.missing_columns:
        return "required columns are missing"
    count = len(plan.result.error_rows)
    return f"{count} row{' has' if count == 1 else 's have'} problems"


def register(students_cli) -> None:
    """Add `flask students import`."""
    students_cli.add_command(import_command(ROSTER, ROSTER_HELP))
