"""The roster importer: a roster file against the database.

`ROSTER.preview` reads and checks a file and works out, with a fixed number of queries,
which students are new, which change and which groups must be created; `ROSTER.apply`
writes that plan through the student and group services, a chunk of rows at a time, so
every change is audited and no transaction is long (see app.imports.importer). Nothing
here commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app import academic, audit
from app.extensions import db
from app.groups.services import GroupNameTaken, add_memberships, create_group
from app.imports import roster, steps, uploads
from app.imports.columns import ImportResult, RowError, file_upns
from app.imports.importer import ImportBlocked, Importer, ImportPlan, skipped_text
from app.imports.roster import RosterRecord
from app.imports.table import Table
from app.models import (
    SEN_LABELS,
    SEX_LABELS,
    Group,
    GroupKind,
    GroupMember,
    School,
    Student,
    User,
    fold,
)
from app.students.baseline import confirmed_on_by_cohort, needs_reason_message
from app.students.services import create_students, update_students

__all__ = ["ROSTER", "ImportBlocked", "RosterImporter", "RosterPlan", "ImportSummary"]

FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Preferred forename",
    "date_of_birth": "Date of birth",
    "entry_year": "Year group",
    "pupil_premium": "Pupil Premium",
    "fsm_ever6": "FSM Ever 6",
    "looked_after": "Looked after",
    "sen": "SEN",
    "ks2_maths": "KS2 maths",
    "left_on": "Leaving date",
    "is_target": "Target",
    "previously_looked_after": "Previously looked after",
    "sex": "Sex",
    "pupil_premium_as_at": "Pupil Premium as at",
}


@dataclass(frozen=True)
class FieldChange:
    """One field of a student that the import changes, as text for people."""

    label: str
    before: str
    after: str


@dataclass
class StudentUpdate:
    """A matched student the import changes: new field values and/or a group to join."""

    record: RosterRecord
    student: Student
    changes: dict
    shown: list[FieldChange]
    joins_group: bool


@dataclass
class ImportSummary:
    """What a roster import did (or would do), as counts for a flash message or a terminal."""

    created: int
    updated: int
    unchanged: int
    groups_created: list[str]
    skipped_rows: int = 0

    def __str__(self) -> str:
        text = f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"
        if self.groups_created:
            text += "; groups created: " + ", ".join(self.groups_created)
        return text + skipped_text(self.skipped_rows)


@dataclass
class RosterPlan(ImportPlan):
    """What importing a roster file would do to the school's students and groups."""

    new: list[RosterRecord] = field(default_factory=list)
    updates: list[StudentUpdate] = field(default_factory=list)
    unchanged: list[RosterRecord] = field(default_factory=list)
    groups_to_create: list[str] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)

    @property
    def has_work(self) -> bool:
        # Importing unchanged students is still an import: it is audited and says so.
        return bool(self.result.records)

    @property
    def nothing_to_import(self) -> str:
        return "The file has no student rows, so there is nothing to import."

    def figures(self) -> list[tuple[str, object]]:
        return [
            ("Student rows in the file", self.result.row_count),
            ("New students", len(self.new)),
            ("Students updated", len(self.updates)),
            ("Students unchanged", len(self.unchanged)),
            ("Rows with problems", len(self.result.error_rows)),
            ("Groups to create", ", ".join(self.groups_to_create) or "None"),
        ]

    def summary(self) -> ImportSummary:
        """Return the counts this plan gives when applied with its valid rows."""
        return ImportSummary(
            created=len(self.new),
            updated=len(self.updates),
            unchanged=len(self.unchanged),
            groups_created=list(self.groups_to_create),
            skipped_rows=len(self.result.error_rows),
        )


def existing_upns(upns: Iterable[str]) -> dict[str, int]:
    """Return UPN -> school id for the given UPNs that any school already has."""
    found: dict[str, int] = {}
    for chunk in uploads.in_chunks(sorted(upns)):
        rows = db.session.execute(
            select(Student.upn, Student.school_id).where(Student.upn.in_(chunk))
        )
        found.update({upn: school_id for upn, school_id in rows})
    return found


def _refuse_target_changes_after_baseline(result: ImportResult, school_id: int) -> ImportResult:
    """Move to the problems the rows that would change the target mark of a student whose
    cohort has a confirmed target list (a change there needs a reason, asked on the
    student's page). New students are not changes: they are "added after baseline"."""
    marking = [record for record in result.records if "is_target" in record.data]
    confirmed = confirmed_on_by_cohort(school_id) if marking else {}
    if not confirmed:
        return result
    stored: dict[str, tuple[int, bool]] = {}
    for chunk in uploads.in_chunks(sorted(record.upn for record in marking)):
        rows = db.session.execute(
            select(Student.upn, Student.entry_year, Student.is_target).where(
                Student.school_id == school_id, Student.upn.in_(chunk)
            )
        )
        stored.update({upn: (entry_year, bool(mark)) for upn, entry_year, mark in rows})
    header = result.columns.get("is_target", "Target")
    kept = []
    for record in result.records:
        entry_year, mark = stored.get(record.upn, (None, None))
        cohort = record.data.get("entry_year", entry_year)
        if (
            mark is not None
            and "is_target" in record.data
            and record.data["is_target"] != mark
            and cohort in confirmed
        ):
            result.errors.append(
                RowError(record.row, header, needs_reason_message(confirmed[cohort]))
            )
        else:
            kept.append(record)
    result.records = kept
    result.errors.sort(key=lambda error: error.row)
    return result


def _display(name: str, value, today: date) -> str:
    if name == "entry_year":
        year = academic.year_group(value, today)
        return (
            f"Year {year}" if year <= academic.LAST_YEAR_GROUP else f"Y7 in {academic.label(value)}"
        )
    if name in ("sen", "sex"):
        return (SEN_LABELS if name == "sen" else SEX_LABELS).get(value or "", "Not recorded")
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class RosterImporter(Importer):
    """Students from the school MIS, matched by UPN: new ones are created, known ones
    updated (only the columns the file has), and each joins the group of its Group column."""

    purpose = "roster"
    columns = roster.COLUMNS
    row_noun = "student"

    def validate(self, table: Table, school: School, today: date) -> ImportResult:
        """Check the rows; one query finds which UPNs any school already has, and (for a
        file with a Target column) two which target marks the rows would change after their
        cohort's target list was confirmed: those rows are problems (app.students.baseline)."""
        existing = existing_upns(file_upns(table, self.columns))
        result = roster.validate(table, existing, school.id, today)
        return _refuse_target_changes_after_baseline(result, school.id)

    def plan(self, school: School, result: ImportResult, today: date) -> RosterPlan:
        """Sort the valid rows into new, updated and unchanged students and the groups to
        create: three queries (the school's students, groups and their members)."""
        plan = RosterPlan(result=result)
        if not result.records:
            return plan
        students = {
            s.upn: s
            for s in db.session.scalars(select(Student).where(Student.school_id == school.id))
        }
        plan.groups = {
            fold(g.name): g
            for g in db.session.scalars(select(Group).where(Group.school_id == school.id))
        }
        members = set(
            db.session.execute(
                select(GroupMember.group_id, GroupMember.student_id)
                .join(Group, Group.id == GroupMember.group_id)
                .where(Group.school_id == school.id)
            ).all()
        )
        new_groups: set[str] = set()
        for record in result.records:
            group = plan.groups.get(fold(record.group)) if record.group else None
            if record.group and group is None and fold(record.group) not in new_groups:
                new_groups.add(fold(record.group))
                plan.groups_to_create.append(record.group)
            student = students.get(record.upn)
            if student is None:
                if "pupil_premium" in record.data:
                    record.data["pupil_premium_as_at"] = today
                plan.new.append(record)
                continue
            changes = {
                name: value
                for name, value in record.data.items()
                if name != "upn" and getattr(student, name) != value
            }
            if "pupil_premium" in changes:  # the day the school's record said so
                changes["pupil_premium_as_at"] = today
            joins = bool(record.group) and (group is None or (group.id, student.id) not in members)
            if not (changes or joins):
                plan.unchanged.append(record)
                continue
            shown = [
                FieldChange(
                    FIELD_LABELS[name],
                    _display(name, getattr(student, name), today),
                    _display(name, value, today),
                )
                for name, value in changes.items()
            ]
            if joins:
                shown.append(
                    FieldChange("Group", "", f"joins {group.name if group else record.group}")
                )
            plan.updates.append(StudentUpdate(record, student, changes, shown, joins))
        return plan

    def write(self, actor: User | None, school: School, plan: RosterPlan) -> Iterator[None]:
        """Create the groups; then, a chunk of rows at a time, create the new students and
        update the changed ones and add them to their groups (each audited, in a few
        statements); the last step audits the import as a whole. Yields after each step."""
        school_id = school.id
        # Ids now: each commit expires the objects the plan holds.
        group_ids = {key: group.id for key, group in plan.groups.items()}
        student_ids = {update.record.upn: update.student.id for update in plan.updates}
        for name in plan.groups_to_create:
            group_ids[fold(name)] = _group_named(actor, school_id, name).id
        yield
        rows: list[RosterRecord | StudentUpdate] = [*plan.updates, *plan.new]
        for chunk in uploads.in_chunks(rows, steps.CHUNK_ROWS):
            new = [row for row in chunk if isinstance(row, RosterRecord)]
            updates = [row for row in chunk if isinstance(row, StudentUpdate)]
            created = create_students(actor, school_id, [record.data for record in new])
            steps.inserted(Student, [student.id for student in created])
            ids = [student_ids[update.record.upn] for update in updates]
            loaded = {
                s.id: s for s in db.session.scalars(select(Student).where(Student.id.in_(ids)))
            }
            update_students(
                actor,
                [(loaded[student_ids[u.record.upn]], u.changes) for u in updates if u.changes],
            )
            joining: dict[int, list[Student]] = {}
            for record, student in zip(new, created, strict=True):
                if record.group:
                    joining.setdefault(group_ids[fold(record.group)], []).append(student)
            for update in updates:
                if update.joins_group:
                    student = loaded[student_ids[update.record.upn]]
                    joining.setdefault(group_ids[fold(update.record.group)], []).append(student)
            add_memberships(actor, joining)
            yield

        summary = plan.summary()
        audit.record(
            actor,
            "students.import",
            school,
            school_id=school_id,
            summary=f"Imported the roster: {summary}"[:300],
            after={
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "groups_created": summary.groups_created,
                "skipped_rows": summary.skipped_rows,
            },
        )


def _group_named(actor: User | None, school_id: int, name: str) -> Group:
    """Create the class group `name`, or take the one someone created since the preview."""
    try:
        return create_group(actor, school_id, name, GroupKind.CLASS)
    except GroupNameTaken:
        return db.session.scalars(
            select(Group).where(Group.school_id == school_id, Group.name == name.strip())
        ).one()


ROSTER = RosterImporter()
