"""`flask destinations import FILE --school URN [--dry-run] [--valid-only]`: the destinations
import from the command line, the shell's import command for the destinations importer."""

from __future__ import annotations

from flask.cli import AppGroup

from app.imports.cli import import_command
from tracking.destinations.importer import DESTINATIONS

destinations_cli = AppGroup("destinations", help="Destinations: import a file of destinations.")

IMPORT_HELP = """Import destinations from a CSV or XLSX file with the columns UPN, Type
(university, degree apprenticeship, other apprenticeship, employment, further education,
gap year, other), Status (applied, firm, insurance, confirmed, deferred, started), and
optionally HECoS (a code, two for joint honours: 100403/100425) or Subject (a name matched
to HECoS; an ambiguous name is a problem listing the candidates), Provider, Date (empty is
today) and Known from (student, UCAS, school survey).

A row that repeats a student's current destination is skipped, so importing a file twice
adds nothing the second time.
"""

destinations_cli.add_command(import_command(DESTINATIONS, IMPORT_HELP))
