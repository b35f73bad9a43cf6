"""The post-16 importer against the database (`POST16`, run by the shell's import pages and
command). Every record goes through `tracking.services.add_record` (flushed and audited,
source "imported"); nothing here commits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.imports import uploads
from app.imports.columns import ImportResult, file_upns
from app.imports.importer import Importer
from app.imports.records import Noun, RecordsPlan, add_in_chunks, school_student_ids
from app.imports.table import Table
from app.models import School, Student, User
from tracking import services
from tracking.current import newest_per
from tracking.models import Post16Record
from tracking.post16 import post16_import
from tracking.post16.post16_import import Post16Row
from tracking.vocabulary import Source


@dataclass
class Post16Plan(RecordsPlan):
    """What importing a file of post-16 records would do: the records its valid rows add,
    and the valid rows that only repeat a student's current record of the route (skipped)."""

    noun = Noun("post-16 record", "post-16 records")


def _same(record: Post16Record | None, row: Post16Row) -> bool:
    """Whether `row` repeats the stored record (every field, the date included)."""
    if record is None:
        return False
    stored = {name: getattr(record, name) for name in row.values()}
    return stored == row.values()


class Post16Importer(Importer):
    """Post-16 records of the school's students (UPN, route, status, institution, date), each
    added through `add_record` with source "imported"; a row that repeats the student's
    current record of the route adds nothing, so a file imported twice adds nothing the
    second time."""

    purpose = "post16"
    columns = post16_import.COLUMNS
    row_noun = "post-16"

    def validate(self, table: Table, school: School, today: date) -> ImportResult:
        """Check the rows against the school's own students only (so a UPN of another
        school reads as unknown): one query per 5000 UPNs."""
        students = school_student_ids(school.id, file_upns(table, self.columns))
        checked = post16_import.School(school.urn, school.name, students)
        return post16_import.validate(table, checked, today)

    def plan(self, school: School, result: ImportResult, today: date) -> Post16Plan:
        """Sort the valid rows into records to add and repeats of the student's current
        record of the route: one query per 5000 students."""
        plan = Post16Plan(result)
        ids = sorted({r.student_id for r in result.records})
        stored: list[Post16Record] = []
        for chunk in uploads.in_chunks(ids):
            stored += db.session.scalars(
                select(Post16Record).where(Post16Record.student_id.in_(chunk))
            ).all()
        current = newest_per(stored, key=lambda r: (r.student_id, r.route))
        for row in result.records:
            same = _same(current.get((row.student_id, row.route)), row)
            (plan.unchanged if same else plan.new).append(row)
        return plan

    def write(self, actor: User | None, school: School, plan: Post16Plan) -> Iterator[None]:
        """Add the new records of `plan` through `add_record` (audited, source "imported"),
        a chunk at a time: one query for the chunk's students, then yield."""

        def add(student: Student, row: Post16Row) -> None:
            values = row.values() | {"source": Source.IMPORTED}
            services.add_record(actor, student, Post16Record, values)

        yield from add_in_chunks(plan.new, add)


POST16 = Post16Importer()
