"""Results day against the database: the grid's cells and their saving, and the grades import's
plan and its applying. Every grade goes through `tracking.services.record_grade` (flushed and
audited); nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.imports import roster, uploads
from app.imports.roster import RowError
from app.models import Group, GroupMember, School, Student, User
from tracking import grades, services
from tracking.grades import GradeEntry, GradeError
from tracking.models import GradeRecord
from tracking.results import grades_import, grid
from tracking.results.grades_import import GradeRow, GradesResult
from tracking.results.grid import GridChoice
from tracking.vocabulary import Source

SAVED, UNCHANGED, INVALID = "saved", "unchanged", "invalid"


@dataclass
class GridCell:
    """One student's row of the grid: the current grade and what happened to the typed one."""

    student: Student
    current: GradeEntry | None
    value: str
    state: str | None = None  # SAVED, UNCHANGED, INVALID, or None when not sent
    message: str | None = None


def current_grades(student_ids, qualification: str, kind: str) -> dict[int, GradeEntry]:
    """Return student id -> current record of one qualification and kind, in one query.

    `student_ids` may be a subquery (one group's members) or a list.
    """
    rows = db.session.execute(
        select(
            GradeRecord.student_id,
            GradeRecord.qualification,
            GradeRecord.kind,
            GradeRecord.grade,
            GradeRecord.tier,
            GradeRecord.recorded_on,
            GradeRecord.id,
        ).where(
            GradeRecord.student_id.in_(student_ids),
            GradeRecord.qualification == qualification,
            GradeRecord.kind == kind,
        )
    )
    by_student: dict[int, list[GradeEntry]] = {}
    for row in rows:
        by_student.setdefault(row.student_id, []).append(GradeEntry.of(row))
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


def save_cell(actor: User, cell: GridCell, typed: str | None, choice: GridChoice) -> GridCell:
    """Save the grade typed into `cell` for `choice` and return the cell with its state.

    An empty cell changes nothing (a grade is never deleted from the grid). A grade that
    repeats the current record (same grade, tier and date) is UNCHANGED and adds no row. A
    grade off its scale is INVALID with GradeError's message, and nothing is added; otherwise
    it is SAVED as a new record through `record_grade` (flushed and audited, not committed).
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
    )
    cell.current, cell.state = GradeEntry.of(record), SAVED
    return cell


# Services: the import ----------------------------------------------------------------------


class ImportBlocked(ValueError):
    """Raised by `apply_grades` when the file has problems: nothing is written then."""


@dataclass
class GradesPlan:
    """What importing a file of grades would do: the checked file, the grades it adds and the
    rows that only repeat a student's current grade (skipped)."""

    result: GradesResult
    new: list[GradeRow] = field(default_factory=list)
    unchanged: list[GradeRow] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[RowError]:
        return self.result.errors

    @property
    def can_import(self) -> bool:
        return not self.errors and bool(self.new)

    def summary(self) -> str:
        """E.g. "12 grades added, 2 unchanged"."""
        added = len(self.new)
        text = f"{added} grade{'' if added == 1 else 's'} added"
        if self.unchanged:
            text += f", {len(self.unchanged)} unchanged (already recorded)"
        return text


def preview_grades(
    school: School, content: bytes, filename: str, today: date | None = None
) -> GradesPlan:
    """Read and check a grades file for `school` and work out what it would add.

    Only the school's own students are looked up, so a UPN of another school reads as unknown.
    Raises RosterFileError when the file cannot be read as a table.
    """
    table = roster.read_table(content, filename)
    today = today or date.today()
    upns = sorted(roster.file_upns(table))
    students: dict[str, int] = {}
    for chunk in uploads.in_chunks(upns):
        rows = db.session.execute(
            select(Student.upn, Student.id).where(
                Student.school_id == school.id, Student.upn.in_(chunk)
            )
        )
        students.update({upn: sid for upn, sid in rows})
    result = grades_import.validate(table, students, today)
    plan = GradesPlan(result)
    if result.errors:
        return plan
    current: dict[tuple[int, str, str], GradeEntry] = {}
    pairs = {(r.qualification, r.kind) for r in result.records}
    ids = sorted({r.student_id for r in result.records})
    for qualification, kind in pairs:
        for chunk in uploads.in_chunks(ids):
            for sid, entry in current_grades(chunk, qualification, kind).items():
                current[(sid, qualification, kind)] = entry
    for record in result.records:
        choice = GridChoice(record.qualification, record.kind, record.tier, record.recorded_on)
        entry = current.get((record.student_id, record.qualification, record.kind))
        if grid.is_unchanged(entry, record.grade, choice):
            plan.unchanged.append(record)
        else:
            plan.new.append(record)
    return plan


def apply_grades(actor: User | None, plan: GradesPlan) -> int:
    """Add every new grade of `plan` through `record_grade` (source "imported", audited) and
    return how many. Raises ImportBlocked, writing nothing, if the plan has any problem."""
    if plan.errors:
        raise ImportBlocked("Nothing was imported: the file has problems.")
    ids = sorted({r.student_id for r in plan.new})
    students: dict[int, Student] = {}
    for chunk in uploads.in_chunks(ids):
        students.update(
            {s.id: s for s in db.session.scalars(select(Student).where(Student.id.in_(chunk)))}
        )
    for record in plan.new:
        services.record_grade(
            actor,
            students[record.student_id],
            record.qualification,
            record.kind,
            record.grade,
            record.tier,
            record.recorded_on,
            source=Source.IMPORTED,
        )
    return len(plan.new)
