"""Reading and checking a file of post-16 records (UPN, route, status, institution, date).
Pure logic, no Flask.

The file is read by the imports' table reader and its headers matched as every import's are
(`app.imports.columns`, ignoring case, spaces and punctuation). `validate` checks every row
and returns the clean records and every problem as a `RowError(row, column, message)`.
Institution: empty is not known; "Own sixth form" (or the school's own name) is the school's
sixth form; anything else is the name of another school or college, with its URN (6 digits)
or UKPRN (8 digits starting with 1) in the optional URN and UKPRN columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.imports.cells import Cell, CellError, cell_at, cell_text, header_key, parse_past_date
from app.imports.columns import EMPTY, CheckedRow, Column, ImportResult, RowError, check_table
from app.imports.records import row_student
from app.imports.table import Table
from tracking.post16.rules import check_ukprn, check_urn
from tracking.vocabulary import Post16Institution, Post16Route, Post16Status, choices, label

NAME_NEEDED = "Give the school or college's name in the Institution column"
NOT_OWN = "A URN or UKPRN is for another school or college, not the own sixth form"

# In order of preference: when a file has two headers for the same column, the first wins.
COLUMNS: tuple[Column, ...] = (
    Column("upn", "UPN", ("UPN",), required=True),
    Column("route", "Route", ("Route", "Course", "Post-16 route"), required=True),
    Column("status", "Status", ("Status",), required=True),
    Column("institution", "Institution", ("Institution", "Provider", "School or college")),
    Column("urn", "URN", ("URN", "Institution URN")),
    Column("ukprn", "UKPRN", ("UKPRN", "Institution UKPRN")),
    Column("date", "Date", ("Date", "Recorded On", "Date Recorded")),
)

_ROUTE_ALIASES: dict[str, tuple[str, ...]] = {
    Post16Route.A_LEVEL_MATHS: ("A level Mathematics", "A2 Maths", "Maths A level"),
    Post16Route.A_LEVEL_FURTHER_MATHS: (
        "A level Further Mathematics",
        "A2 Further Maths",
        "Further Maths",
        "Further Mathematics",
    ),
    Post16Route.AS_MATHS: ("AS Mathematics", "AS level Maths"),
    Post16Route.AS_FURTHER_MATHS: ("AS Further Mathematics", "AS level Further Maths"),
    Post16Route.CORE_MATHS: ("Core Mathematics", "Level 3 Mathematical Studies"),
    Post16Route.IB_MATHS: ("IB Maths", "IB Mathematics AA", "IB Mathematics AI"),
    Post16Route.OTHER_LEVEL_3: ("Other Level 3", "Other L3"),
    Post16Route.APPRENTICESHIP: ("Apprentice",),
    Post16Route.EMPLOYMENT: ("Employed", "Work"),
    Post16Route.NOT_IN_EDUCATION: ("NEET", "Not in education, employment or training"),
    Post16Route.NO_MATHS: ("No maths", "None"),
}
_ROUTES = {
    header_key(name): route
    for route in Post16Route
    for name in (route.value, label(Post16Route, route), *_ROUTE_ALIASES[route])
}
_STATUS_ALIASES: dict[str, tuple[str, ...]] = {
    Post16Status.INTENDS: ("Intending", "Intended", "Intention"),
    Post16Status.ENROLLED: ("Enroled", "Started"),
    Post16Status.COMPLETED: ("Complete", "Finished"),
    Post16Status.WITHDRAWN: ("Withdrew",),
}
_STATUSES = {
    header_key(name): status
    for status in Post16Status
    for name in (status.value, *_STATUS_ALIASES.get(status, ()))
}
_OWN = {header_key(name) for name in ("Own sixth form", "Own", "Our sixth form", "Own school")}


def route_names() -> str:
    """The routes a file may give, as people name them."""
    return ", ".join(text for _value, text in choices(Post16Route))


def parse_route(cell: Cell) -> str:
    """Return a route from its key or a name people use ("A level Maths", "Core Maths")."""
    text = cell_text(cell)
    found = _ROUTES.get(header_key(text))
    if found is None:
        raise CellError(f"Unknown route '{text[:60]}': use one of {route_names()}")
    return found.value


def parse_status(cell: Cell) -> str:
    """Return a status: intends, applied, enrolled, completed, withdrawn (or considering)."""
    text = cell_text(cell)
    found = _STATUSES.get(header_key(text))
    if found is None:
        raise CellError(
            f"Unknown status '{text[:60]}': use intends, applied, enrolled, completed or "
            "withdrawn (or considering)"
        )
    return found.value


@dataclass(frozen=True)
class Post16Row:
    """A valid row: the student's id and the checked record, ready for `add_record`."""

    row: int
    upn: str
    student_id: int
    route: str
    status: str
    institution: str | None
    provider: str | None
    provider_urn: str | None
    provider_ukprn: str | None
    recorded_on: date

    @property
    def key(self) -> tuple:
        """What two rows must share to be the same record of the same student."""
        return (self.student_id, self.route, self.recorded_on)

    def values(self) -> dict:
        """The record's fields, as `tracking.services.add_record` takes them."""
        names = ("route", "status", "institution", "provider", "provider_urn", "provider_ukprn")
        return {name: getattr(self, name) for name in names} | {"recorded_on": self.recorded_on}


@dataclass(frozen=True)
class School:
    """What the rows are checked against: the importing school's URN, name and students
    (their UPNs -> ids; any other UPN, of no student or another school's, is unknown)."""

    urn: str
    name: str
    students: Mapping[str, int]


def validate(table: Table, school: School, today: date) -> ImportResult:
    """Check every row of `table`; the result's records are Post16Rows. An empty Date cell
    (or no Date column) means `today`; a date in the future is a problem. Rows giving the
    same student different records of one route on one date are each a problem (no row of
    them is valid, so importing the valid rows never picks one); identical rows count once.
    """

    def check_row(number, cells, index, headers):
        return _check_row(number, cells, index, headers, school, today)

    def across_rows(checked: list[CheckedRow], result: ImportResult) -> list[CheckedRow]:
        same_key: dict[tuple, list[Post16Row]] = {}
        for _number, record, _problems in checked:
            if record is not None:
                same_key.setdefault(record.key, []).append(record)
        kept = []
        for number, record, problems in checked:
            if record is not None:
                rows = same_key[record.key]
                differing = [r.row for r in rows if r.values() != record.values()]
                if differing:
                    names = ", ".join(str(n) for n in differing)
                    gives = f"Row {names} gives" if len(differing) == 1 else f"Rows {names} give"
                    message = f"{gives} this student a different record of this route that day"
                    problems.append(RowError(number, result.columns["route"], message))
                elif rows[0] is not record:
                    continue  # the same record twice: import it once
            kept.append((number, record, problems))
        return kept

    return check_table(table, COLUMNS, check_row, across_rows)


def _check_row(
    number: int,
    cells: list[Cell],
    index: dict[str, int],
    headers: dict[str, str],
    school: School,
    today: date,
) -> tuple[Post16Row | None, list[RowError]]:
    """Check one row; return its record (None if anything is wrong) and its problems."""
    problems: list[RowError] = []

    def problem(key: str, message: str) -> None:
        problems.append(RowError(number, headers[key], message))

    def text(key: str) -> str:
        return cell_text(cell_at(cells, index[key])) if key in index else ""

    upn, student_id, upn_problem = row_student(text("upn"), school.students)
    if upn_problem:
        problem("upn", upn_problem)

    found: dict[str, str | None] = {}
    for key, parse in (("route", parse_route), ("status", parse_status)):
        found[key] = None
        if not text(key):
            problem(key, EMPTY)
            continue
        try:
            found[key] = parse(text(key))
        except CellError as error:
            problem(key, str(error))

    codes: dict[str, str | None] = {}
    for key, check in (("urn", check_urn), ("ukprn", check_ukprn)):
        try:
            codes[key] = check(text(key))
        except ValueError as error:
            codes[key] = None
            problem(key, str(error))
    name = text("institution")[:200] or None
    institution = None
    if name and (header_key(name) in _OWN or header_key(name) == header_key(school.name)):
        institution, name = Post16Institution.OWN_SIXTH_FORM.value, None
        if codes["urn"] == school.urn:
            codes["urn"] = None
        if codes["urn"] or codes["ukprn"]:
            problem("institution", NOT_OWN)
    elif name:
        institution = Post16Institution.OTHER.value
    elif codes["urn"] or codes["ukprn"]:
        problems.append(RowError(number, headers.get("institution", "Institution"), NAME_NEEDED))

    recorded_on = today
    if "date" in index:
        try:
            recorded_on = parse_past_date(cell_at(cells, index["date"]), today) or today
        except CellError as error:
            problem("date", str(error))

    if problems or student_id is None or not found["route"] or not found["status"]:
        return None, problems
    record = Post16Row(
        number,
        upn,
        student_id,
        found["route"],
        found["status"],
        institution,
        name,
        codes["urn"],
        codes["ukprn"],
        recorded_on,
    )
    return record, problems
