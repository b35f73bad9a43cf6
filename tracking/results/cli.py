"""`flask grades import FILE --school URN [--dry-run] [--valid-only]`: the grades import from the
command line, the shell's import command for the grades importer."""

from __future__ import annotations

from flask.cli import AppGroup

from app.imports.cli import import_command
from tracking.results.services import GRADES

grades_cli = AppGroup("grades", help="Grades: import a file of grades.")

IMPORT_HELP = """Import grades from a CSV or XLSX file with the columns UPN, Qualification,
Kind, Grade, Tier, Date and Series (Tier, Date and Series optional; an empty date is today).

A final grade may be NE (not entered), ABS or X (absent); Series is a final grade's exam
series, such as June 2026. A row that repeats a student's current grade (same grade, tier,
date and series) is skipped, so importing a file twice adds nothing the second time.
"""

grades_cli.add_command(import_command(GRADES, IMPORT_HELP))
