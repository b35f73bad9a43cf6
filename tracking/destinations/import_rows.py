"""Reading and checking a file of destinations (UPN, Type, HECoS or Subject, Provider, Status,
Date, Known from). Pure logic, no Flask: headers are matched as every import's are
(`app.imports.columns`) and `validate` returns the valid rows and every problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.imports.cells import Cell, CellError, cell_at, cell_text, header_key, parse_past_date
from app.imports.columns import EMPTY, CheckedRow, Column, ImportResult, RowError, check_table
from app.imports.records import row_student
from app.imports.table import Table
from tracking.destinations import hecos
from tracking.vocabulary import DestinationStatus, DestinationType, Evidence, label

COLUMNS: tuple[Column, ...] = (
    Column("upn", "UPN", ("UPN",), required=True),
    Column("type", "Type", ("Type", "Destination", "Destination Type"), required=True),
    Column("hecos", "HECoS", ("HECoS", "HECoS Code", "HECoS Codes")),
    Column("subject", "Subject", ("Subject", "Subject Name", "Course Subject")),
    Column("provider", "Provider", ("Provider", "University", "Employer", "Institution")),
    Column("status", "Status", ("Status",), required=True),
    Column("date", "Date", ("Date", "Recorded On", "Date Recorded")),
    Column("evidence", "Known from", ("Known From", "Evidence", "Source Of Information")),
)
TYPE_NAMES = {
    DestinationType.HIGHER_EDUCATION: ("university", "higher education", "HE", "degree"),
    DestinationType.DEGREE_APPRENTICESHIP: ("degree apprenticeship",),
    DestinationType.APPRENTICESHIP: ("other apprenticeship", "apprenticeship"),
    DestinationType.EMPLOYMENT: ("employment", "job", "work", "employed"),
    DestinationType.FURTHER_EDUCATION: ("further education", "FE", "college"),
    DestinationType.GAP_YEAR: ("gap year",),
    DestinationType.OTHER: ("other",),
}
_TYPES = {
    header_key(name): kind
    for kind, names in TYPE_NAMES.items()
    for name in (kind.value, label(DestinationType, kind), *names)
}
_STATUSES = {header_key(s.value): s for s in DestinationStatus} | {
    header_key(label(DestinationStatus, s)): s for s in DestinationStatus
}
_EVIDENCE = {header_key(e.value): e for e in Evidence} | {
    header_key(label(Evidence, e)): e for e in Evidence
}
DEFAULT_EVIDENCE = Evidence.SCHOOL_SURVEY


def _coded(cell: Cell, names: dict, what: str, choices: str):
    text = cell_text(cell)
    found = names.get(header_key(text))
    if found is None:
        raise CellError(f"Unknown {what} '{text}': use {choices}")
    return found.value


def parse_type(cell: Cell) -> str:
    return _coded(
        cell,
        _TYPES,
        "type",
        "university, degree apprenticeship, other apprenticeship, employment, "
        "further education, gap year or other",
    )


def parse_status(cell: Cell) -> str:
    choices = ", ".join(s.value for s in DestinationStatus)
    return _coded(cell, _STATUSES, "status", choices)


@dataclass(frozen=True)
class DestinationRow:
    """A valid row, ready for `tracking.services.add_record(..., Destination, row.values)`."""

    row: int
    upn: str
    student_id: int
    type: str
    status: str
    hecos: str | None
    subject: str | None
    provider: str | None
    evidence: str
    recorded_on: date

    @property
    def values(self) -> dict:
        return {
            "type": self.type,
            "status": self.status,
            "hecos": self.hecos,
            "subject": self.subject,
            "provider": self.provider,
            "evidence": self.evidence,
            "recorded_on": self.recorded_on,
        }

    @property
    def key(self) -> tuple:
        """What two rows share when they say the same thing of the same student."""
        return (self.student_id, self.type, self.status, self.hecos, self.provider,
                self.recorded_on)  # fmt: skip


def validate(table: Table, students: Mapping[str, int], today: date) -> ImportResult:
    """Check every row of `table`; the result's records are DestinationRows.

    `students` maps the UPNs of the importing school's students to their ids (another
    school's UPN reads as unknown). A HECoS cell holds one code, or two for joint honours
    ("100403/100425"); without one, a Subject cell is matched to HECoS by name (an ambiguous
    name is a problem listing the candidates); with a HECoS code the Subject cell is not
    read. An empty Date is today; a date in the future is a problem. Identical rows count
    once (a firm and an insurance place on one day are two rows, both kept)."""

    def check_row(number, cells, index, headers):
        return _check_row(number, cells, index, headers, students, today)

    def across_rows(checked: list[CheckedRow], result: ImportResult) -> list[CheckedRow]:
        seen: set[tuple] = set()
        kept = []
        for number, record, problems in checked:
            if record is not None:
                if record.key in seen:
                    continue
                seen.add(record.key)
            kept.append((number, record, problems))
        return kept

    return check_table(table, COLUMNS, check_row, across_rows)


def _check_row(number, cells, index, headers, students, today):
    problems: list[RowError] = []

    def problem(key: str, message: str) -> None:
        problems.append(RowError(number, headers[key], message))

    def text(key: str) -> str:
        return cell_text(cell_at(cells, index[key])) if key in index else ""

    upn, student_id, upn_problem = row_student(text("upn"), students)
    if upn_problem:
        problem("upn", upn_problem)

    parsed: dict[str, str | None] = {}
    for key, parse in (("type", parse_type), ("status", parse_status)):
        if not text(key):
            problem(key, EMPTY)
            continue
        try:
            parsed[key] = parse(cell_at(cells, index[key]))
        except CellError as error:
            problem(key, str(error))

    subjects: tuple[hecos.Subject, ...] = ()
    source = "hecos" if text("hecos") else "subject" if text("subject") else None
    if source:
        try:
            subjects = hecos.match_all(text(source))
        except hecos.SubjectError as error:
            problem(source, str(error))

    provider = text("provider") or None
    if provider and len(provider) > 200:
        problem("provider", "At most 200 characters")
    evidence = DEFAULT_EVIDENCE.value
    if text("evidence"):
        try:
            choices = ", ".join(label(Evidence, e) for e in Evidence)
            evidence = _coded(cell_at(cells, index["evidence"]), _EVIDENCE, "source", choices)
        except CellError as error:
            problem("evidence", str(error))
    recorded_on = today
    if "date" in index:
        try:
            recorded_on = parse_past_date(cell_at(cells, index["date"]), today) or today
        except CellError as error:
            problem("date", str(error))

    if problems or student_id is None:
        return None, problems
    names = " and ".join(s.name for s in subjects) or None
    record = DestinationRow(
        number, upn, student_id, parsed["type"], parsed["status"],
        hecos.stored(s.code for s in subjects), names, provider, evidence, recorded_on,
    )  # fmt: skip
    return record, problems
