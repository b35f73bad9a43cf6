"""Results day against the database: the grid's cells and their saving, and the grades importer
(`GRADES`, run by the shell's import pages and command). Every grade goes through
`tracking.services.record_grade` (flushed and audited); nothing here commits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app import conflicts
from app.extensions import db
from app.imports import uploads
from app.imports.columns import ImportResult, file_upns
from app.imports.importer import Importer
from app.imports.records import Noun, RecordsPlan, add_in_chunks, school_student_ids
from app.imports.table import Table
from app.models import Group, GroupMember, School, Student, User
from tracking import grades, services
from tracking.grades import GradeEntry, GradeError
from tracking.models import GradeRecord
from tracking.queries import grade_entries
from tracking.results import grades_import, grid
from tracking.results.grades_import import GradeRow
from tracking.results.grid import GridChoice
from tracking.vocabulary import Source

SAVED, UNCHANGED, INVALID, CONFLICT = "saved", "unchanged", "invalid", "conflict"


@dataclass
class GridCell:
    """One student's row of the grid: the current grade and what happened to the typed one."""

    student: Student
    current: GradeEntry | None
    value: str
    state: str | None = None  # SAVED, UNCHANGED, INVALID, CONFLICT, or None when not sent
    message: str | None = None


def current_grades(student_ids, qualification: str, kind: str) -> dict[int, GradeEntry]:
    """Return student id -> current record of one qualification and kind, in one query.

    `student_ids` may be a subquery (one group's members) or a list.
    """
    by_student = grade_entries(
        GradeRecord.student_id.in_(student_ids),
        GradeRecord.qualification == qualification,
        GradeRecord.kind == kind,
    )
    return {sid: grades.current(entries, kind) for sid, entries in by_student.items()}


def grid_cells(group: Group, choice: GridChoice) -> list[GridCell]:
    """Return a cell per student of `group` (by surname), with the current grade of the
    choice's qualification and kind. Two queries, whatever the size of the group."""
    members = select(GroupMember.student_id).where(GroupMember.group_id == group.id)
    students = db.session.scalars(
        select(Student)
        .where(Student.id.in_(members))
        .order_by(Student.last_name, Student.first_name, Student.id)
    ).all()
    current = current_grades(members, choice.qualification, choice.kind)
    return [
        GridCell(s, current.get(s.id), current[s.id].grade if s.id in current else "")
        for s in students
    ]


def save_cell(
    actor: User, cell: GridCell, typed: str | None, choice: GridChoice, shown: str | None = None
) -> GridCell:
    """Save the grade typed into `cell` for `choice` and return the cell with its state.

    An empty cell changes nothing (a grade is never deleted from the grid). A grade that
    repeats the current record (same grade, tier and date) is UNCHANGED and adds no row. A
    grade off its scale is INVALID with GradeError's message, and nothing is added. When
    `shown` (the cell's `grid.shown_token`; None: not checked) is no longer the current
    record, someone saved a grade since the cell was shown: CONFLICT, with who and when as
    the message, and nothing is added. Otherwise it is SAVED as a new record through
    `record_grade` (flushed and audited, not committed).
    """
    text = grid.normalise_typed(typed)
    cell.value = (typed or "").strip()
    if not text:
        cell.state = None
        return cell
    try:
        grade = grades.validate_grade(choice.qualification, text, choice.tier, choice.kind)
    except GradeError as error:
        cell.state, cell.message = INVALID, str(error)
        return cell
    cell.value = grade
    if grid.is_unchanged(cell.current, grade, choice):
        cell.state = UNCHANGED
        return cell
    if shown is not None and shown != grid.shown_token(cell.current):
        changed_id = cell.current.id if cell.current else grid.shown_id(shown)
        change = conflicts.last_change(GradeRecord.__tablename__, changed_id or 0)
        cell.state, cell.message = CONFLICT, change.message
        return cell
    record = services.record_grade(
        actor,
        cell.student,
        choice.qualification,
        choice.kind,
        grade,
        choice.tier,
        choice.recorded_on,
        source=Source.ENTERED,
        term=choice.term,
        series=choice.series,
    )
    cell.current, cell.state = GradeEntry.of(record), SAVED
    return cell


# The grades importer ------------------------------------------------------------------------


@dataclass
class GradesPlan(RecordsPlan):
    """What importing a file of grades would do: the grades its valid rows add, and the
    valid rows that only repeat a student's current grade (skipped)."""

    noun = Noun("grade", "grades")


class GradesImporter(Importer):
    """Grades of the school's students (UPN, qualification, kind, grade, tier, date, series), each
    added through `record_grade` with source "imported"; a row that repeats the student's
    current grade (same grade, tier, date and series) adds nothing, so a file imported twice adds
    nothing the second time."""

    purpose = "grades"
    columns = grades_import.COLUMNS
    row_noun = "grade"

    def validate(self, table: Table, school: School, today: date) -> ImportResult:
        """Check the rows against the school's own students only (so a UPN of another
        school reads as unknown): one query per 5000 UPNs."""
        students = school_student_ids(school.id, file_upns(table, self.columns))
        return grades_import.validate(table, students, today)

    def plan(self, school: School, result: ImportResult, today: date) -> GradesPlan:
        """Sort the valid rows into grades to add and repeats of the current grade: one query
        per qualification and kind in the file."""
        plan = GradesPlan(result)
        current: dict[tuple[int, str, str], GradeEntry] = {}
        pairs = {(r.qualification, r.kind) for r in result.records}
        ids = sorted({r.student_id for r in result.records})
        for qualification, kind in sorted(pairs):
            for chunk in uploads.in_chunks(ids):
                for sid, entry in current_grades(chunk, qualification, kind).items():
                    current[(sid, qualification, kind)] = entry
        for record in result.records:
            choice = GridChoice(
                record.qualification,
                record.kind,
                record.tier,
                record.recorded_on,
                series=record.series,
            )
            entry = current.get((record.student_id, record.qualification, record.kind))
            if grid.is_unchanged(entry, record.grade, choice):
                plan.unchanged.append(record)
            else:
                plan.new.append(record)
        return plan

    def write(self, actor: User | None, school: School, plan: GradesPlan) -> Iterator[None]:
        """Add the new grades of `plan` through `record_grade` (audited, source "imported"),
        a chunk at a time: one query for the chunk's students, then yield."""

        def add(student: Student, record: GradeRow) -> None:
            services.record_grade(
                actor,
                student,
                record.qualification,
                record.kind,
                record.grade,
                record.tier,
                record.recorded_on,
                source=Source.IMPORTED,
                series=record.series,
            )

        yield from add_in_chunks(plan.new, add)


GRADES = GradesImporter()
