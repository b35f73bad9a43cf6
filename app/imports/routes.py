"""The roster import's pages for leads: upload a file, check the preview, confirm."""

from flask import Blueprint

from app.imports.services import ROSTER
from app.imports.views import ImportPages, mount

bp = Blueprint("imports", __name__, url_prefix="/students/import")

PAGES = ImportPages(
    title="Import students",
    heading="Import students from the MIS",
    intro=(
        "Export your students from the school MIS as a CSV or XLSX file with one row per "
        "student and the column names in the first row. You will see every problem and what "
        "will change before anything is saved. Students already on the roster are matched by "
        "UPN and updated, never added twice."
    ),
    file_label="Roster file (CSV or XLSX)",
    upload_hint=(
        "Required columns: UPN, Forename, Surname and Year. Optional: Preferred Forename, DOB, "
        "Pupil Premium, FSM Ever 6, Looked After, SEN, KS2 Maths and Maths Set (or Group, or "
        "Class). Up to 10 MB."
    ),
    values_template="imports/_roster_values.html",
    preview_title="Check the import",
    rows_template="imports/_roster_rows.html",
    back=("students.index", "Back to students"),
    done=("students.index", "Go to the students"),
)

# url_for gives /students/import/ (the first rule) like the other areas; /students/import works too.
mount(bp, ROSTER, PAGES, action="imports.run", upload_rules=("/", ""))
