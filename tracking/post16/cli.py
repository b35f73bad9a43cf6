"""`flask post16 import FILE --school URN [--dry-run] [--valid-only]`: the post-16 import from
the command line, the shell's import command for the post-16 importer."""

from __future__ import annotations

from flask.cli import AppGroup

from app.imports.cli import import_command
from tracking.post16.services import POST16

post16_cli = AppGroup("post16", help="Post-16 routes: import a file of post-16 records.")

IMPORT_HELP = """Import post-16 records from a CSV or XLSX file with the columns UPN, Route,
Status, Institution and Date (Institution, URN, UKPRN and Date optional; an empty date is
today). Status: intends, applied, enrolled, completed or withdrawn (or considering).
Institution: "Own sixth form", or the name of another school or college, with its URN
(6 digits) or UKPRN (8 digits starting with 1) in a URN or UKPRN column.

A row that repeats a student's current record of the route (same status, institution and
date) is skipped, so importing a file twice adds nothing the second time.
"""

post16_cli.add_command(import_command(POST16, IMPORT_HELP))
