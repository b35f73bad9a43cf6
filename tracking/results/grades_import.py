"""Reading and checking a file of grades (UPN, qualification, kind, grade, tier, date, series).
Pure logic, no Flask.

The file is read by the imports' table reader (`app.imports.table.read_table`: CSV or XLSX,
header on the first non-blank row, rows numbered as in Excel) and its headers are matched as
every import's are (`app.imports.columns`), ignoring case, spaces and punctuation. `validate`
checks every row and returns the clean records and every problem as a `RowError(row, column,
message)`.

A final grade may be NE (not entered), ABS or X (absent), with no tier needed; its Series
("June 2026", "Jun-26", "2026-06": see tracking.exam_series) is the exam series it is from,
optional, for a final grade only, and not after the row's date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.imports.cells import (
    Cell,
    CellError,
    cell_at,
    cell_text,
    header_key,
    is_blank,
    parse_past_date,
)
from app.imports.columns import (
    EMPTY,
    CheckedRow,
    Column,
    ImportResult,
    RowError,
    check_table,
)
from app.imports.records import row_student
from app.imports.table import Table
from tracking import grades
from tracking.grades import GradeError, GradeKind, Qualification

# In order of preference: when a file has two headers for the same column, the first wins.
COLUMNS: tuple[Column, ...] = (
    Column("upn", "UPN", ("UPN",), required=True),
    Column("qualification", "Qualification", ("Qualification", "Qual", "Subject"), True),
    Column("kind", "Kind", ("Kind", "Grade Type", "Type"), required=True),
    Column("grade", "Grade", ("Grade", "Result"), required=True),
    Column("tier", "Tier", ("Tier",)),
    Column("date", "Date", ("Date", "Recorded On", "Date Recorded")),
    Column("series", "Series", ("Series", "Exam Series", "Exam Session", "Session")),
)

_QUALIFICATION_ALIASES = {
    Qualification.GCSE_MATHS: ("GCSE", "GCSE Mathematics"),
    Qualification.L2_FURTHER_MATHS: (
        "L2 Further Maths",
        "AQA Level 2 Further Maths",
        "Level 2 Further Mathematics",
    ),
    Qualification.AS_MATHS: ("AS Mathematics", "AS level Maths"),
    Qualification.AS_FURTHER_MATHS: ("AS Further Mathematics", "AS level Further Maths"),
    Qualification.A_LEVEL_MATHS: ("A level Mathematics", "A2 Maths", "ALevel Maths"),
    Qualification.A_LEVEL_FURTHER_MATHS: ("A level Further Mathematics", "A2 Further Maths"),
    Qualification.CORE_MATHS: ("Core Mathematics", "Level 3 Core Maths"),
    Qualification.KS3_MATHS: ("KS3", "Key Stage 3 Maths"),
    Qualification.FSMQ_ADDITIONAL_MATHS: (
        "FSMQ Additional Maths",
        "FSMQ Additional Mathematics",
        "OCR Additional Maths",
        "Level 3 FSMQ Additional Maths",
        "OCR FSMQ Additional Maths",
    ),
    Qualification.GCSE_STATISTICS: ("GCSE Stats", "Statistics GCSE"),
}
_QUALIFICATIONS = {
    header_key(name): q
    for q in Qualification
    for name in (q.value, q.label, *_QUALIFICATION_ALIASES[q])
}
_KINDS = {
    header_key(name): k for k in GradeKind for name in (k.value, k.label, f"{k.label} grade")
} | {header_key("Prediction"): GradeKind.PREDICTED, header_key("Result"): GradeKind.FINAL}


def parse_qualification(cell: Cell) -> str:
    """Return a qualification key from its key or a name people use ("A-level Further Maths",
    "Level 2 Further Maths", "KS3 Maths"), ignoring case, spaces and punctuation."""
    text = cell_text(cell)
    found = _QUALIFICATIONS.get(header_key(text))
    if found is None:
        names = ", ".join(q.label for q in Qualification)
        raise CellError(f"Unknown qualification '{text}': use one of {names}")
    return found.value


def parse_kind(cell: Cell) -> str:
    """Return a kind of grade from "target", "working at", "working-at", "predicted", "mock",
    "final" (or its key), ignoring case, spaces and punctuation."""
    text = cell_text(cell)
    found = _KINDS.get(header_key(text))
    if found is None:
        raise CellError(f"Unknown kind '{text}': use target, working at, predicted, mock or final")
    return found.value


@dataclass(frozen=True)
class GradeRow:
    """A valid row: the student's id and the checked grade, ready for `record_grade`."""

    row: int
    upn: str
    student_id: int
    qualification: str
    kind: str
    grade: str
    tier: str | None
    recorded_on: date
    series: date | None = None

    @property
    def key(self) -> tuple:
        """What two rows must share to be the same grade of the same student."""
        return (self.student_id, self.qualification, self.kind, self.recorded_on)


def validate(table: Table, students: Mapping[str, int], today: date) -> ImportResult:
    """Check every row of `table`; the result's records are GradeRows.

    `students` maps the UPNs of the importing school's students to their ids: any other UPN,
    of no student or of another school's, is "No student with this UPN in this school", so
    the file learns nothing about other schools. An empty Date cell (or no Date column) means
    `today`; a date in the future is a problem. Rows giving different grades of the same kind
    to the same student for the same date are each a problem (no row of them is valid, so
    importing the valid rows never picks one); identical rows count once.
    """

    def check_row(number, cells, index, headers):
        return _check_row(number, cells, index, headers, students, today)

    def across_rows(checked: list[CheckedRow], result: ImportResult) -> list[CheckedRow]:
        same_key: dict[tuple, list[GradeRow]] = {}
        for _number, record, _problems in checked:
            if record is not None:
                same_key.setdefault(record.key, []).append(record)
        kept = []
        for number, record, problems in checked:
            if record is not None:
                rows = same_key[record.key]
                same = (record.grade, record.tier, record.series)
                differing = [r.row for r in rows if (r.grade, r.tier, r.series) != same]
                if differing:
                    names = ", ".join(str(n) for n in differing)
                    gives = f"Row {names} gives" if len(differing) == 1 else f"Rows {names} give"
                    kind = GradeKind(record.kind).label.lower()
                    problems.append(
                        RowError(
                            number,
                            result.columns["grade"],
                            f"{gives} this student a different {kind} grade for the same date",
                        )
                    )
                elif rows[0] is not record:
                    continue  # the same grade twice: import it once
            kept.append((number, record, problems))
        return kept

    return check_table(table, COLUMNS, check_row, across_rows)


def _check_row(
    number: int,
    cells: list[Cell],
    index: dict[str, int],
    headers: dict[str, str],
    students: Mapping[str, int],
    today: date,
) -> tuple[GradeRow | None, list[RowError]]:
    """Check one row; return its record (None if anything is wrong) and its problems."""
    problems: list[RowError] = []

    def problem(key: str, message: str) -> None:
        problems.append(RowError(number, headers[key], message))

    def required(key: str) -> Cell | None:
        cell = cell_at(cells, index[key])
        if is_blank(cell):
            problem(key, EMPTY)
            return None
        return cell

    upn, student_id, upn_problem = row_student(cell_text(cell_at(cells, index["upn"])), students)
    if upn_problem:
        problem("upn", upn_problem)

    qualification = kind = None
    cell = required("qualification")
    if cell is not None:
        try:
            qualification = parse_qualification(cell)
        except CellError as error:
            problem("qualification", str(error))
    cell = required("kind")
    if cell is not None:
        try:
            kind = parse_kind(cell)
        except CellError as error:
            problem("kind", str(error))

    tier = grade = None
    tier_ok = True
    if qualification and kind:
        raw_tier = cell_text(cell_at(cells, index["tier"])) if "tier" in index else ""
        raw_grade = cell_text(cell_at(cells, index["grade"]))
        try:
            tier = grades.validate_tier(qualification, raw_tier, kind, raw_grade)
        except GradeError as error:
            tier_ok = False
            column = headers["tier"] if "tier" in index else "Tier"
            problems.append(RowError(number, column, str(error)))
    cell = required("grade")
    if cell is not None and qualification and tier_ok:
        try:
            grade = grades.validate_grade(qualification, cell_text(cell), tier, kind)
        except GradeError as error:
            problem("grade", str(error))

    recorded_on = today
    if "date" in index:
        try:
            recorded_on = parse_past_date(cell_at(cells, index["date"]), today) or today
        except CellError as error:
            problem("date", str(error))

    series = None
    if "series" in index and kind:
        cell = cell_at(cells, index["series"])
        try:
            value = cell if isinstance(cell, date) else cell_text(cell)
            series = grades.validate_series(kind, value, recorded_on)
        except GradeError as error:
            problem("series", str(error))

    if problems or student_id is None or grade is None:
        return None, problems
    record = GradeRow(
        number, upn, student_id, qualification, kind, grade, tier, recorded_on, series
    )
    return record, problems
