"""The destinations importer (`DESTINATIONS`), run by the shell's import pages and command:
every row through `tracking.services.add_record` (flushed and audited, source "imported");
nothing here commits."""

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
from tracking.current import newest
from tracking.destinations import import_rows
from tracking.destinations.import_rows import DestinationRow
from tracking.models import Destination
from tracking.vocabulary import Source


@dataclass
class DestinationsPlan(RecordsPlan):
    """The destinations the valid rows add, and the rows that repeat a student's current
    destination (same type, status, subject, provider and date), which add nothing."""

    noun = Noun("destination", "destinations")


def _same(record: Destination | None, row: DestinationRow) -> bool:
    if record is None:
        return False
    stored = (record.type, record.status, record.hecos, record.provider, record.recorded_on)
    return stored == (row.type, row.status, row.hecos, row.provider, row.recorded_on)


class DestinationsImporter(Importer):
    """Destinations of the school's students, each added as a new record (older ones stay as
    history); a file imported twice adds nothing the second time."""

    purpose = "destinations"
    columns = import_rows.COLUMNS
    row_noun = "destination"

    def validate(self, table: Table, school: School, today: date) -> ImportResult:
        """Check the rows against the school's own students: one query per 5000 UPNs."""
        students = school_student_ids(school.id, file_upns(table, self.columns))
        return import_rows.validate(table, students, today)

    def plan(self, school: School, result: ImportResult, today: date) -> DestinationsPlan:
        """Sort the valid rows into new destinations and repeats of a student's current one:
        one query per 5000 students."""
        plan = DestinationsPlan(result)
        ids = sorted({r.student_id for r in result.records})
        history: dict[int, list[Destination]] = {}
        for chunk in uploads.in_chunks(ids):
            for record in db.session.scalars(
                select(Destination).where(Destination.student_id.in_(chunk))
            ):
                history.setdefault(record.student_id, []).append(record)
        for row in result.records:
            current = newest(history.get(row.student_id, []))
            (plan.unchanged if _same(current, row) else plan.new).append(row)
        return plan

    def write(self, actor: User | None, school: School, plan: DestinationsPlan) -> Iterator[None]:
        """Add the plan's new destinations (audited, source "imported"), a chunk at a time."""

        def add(student: Student, row: DestinationRow) -> None:
            values = {**row.values, "source": Source.IMPORTED}
            services.add_record(actor, student, Destination, values)

        yield from add_in_chunks(plan.new, add)


DESTINATIONS = DestinationsImporter()
