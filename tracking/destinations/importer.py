"""The destinations importer (`DESTINATIONS`), run by the shell's import pages and command:
every row through `tracking.services.add_record` (flushed and audited, source "imported");
nothing here commits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.imports import steps, uploads
from app.imports.columns import ImportResult, file_upns
from app.imports.importer import Importer, ImportPlan, skipped_text
from app.imports.table import Table
from app.models import School, Student, User
from tracking import services
from tracking.current import newest
from tracking.destinations import import_rows
from tracking.destinations.import_rows import DestinationRow
from tracking.models import Destination
from tracking.vocabulary import Source


@dataclass
class DestinationsSummary:
    """What a destinations import did (or would do): "3 destinations added, 1 unchanged"."""

    added: int
    unchanged: int
    skipped_rows: int = 0

    def __str__(self) -> str:
        text = f"{self.added} destination{'' if self.added == 1 else 's'} added"
        if self.unchanged:
            text += f", {self.unchanged} unchanged (already recorded)"
        return text + skipped_text(self.skipped_rows)


@dataclass
class DestinationsPlan(ImportPlan):
    """The destinations the valid rows add, and the rows that repeat a student's current
    destination (same type, status, subject, provider and date), which add nothing."""

    new: list[DestinationRow] = field(default_factory=list)
    unchanged: list[DestinationRow] = field(default_factory=list)

    @property
    def has_work(self) -> bool:
        return bool(self.new)

    @property
    def import_all_label(self) -> str:
        added = len(self.new)
        return f"Import {added} {'destination' if added == 1 else 'destinations'}"

    @property
    def nothing_to_import(self) -> str:
        if not self.result.records:
            return "The file has no destination rows, so there is nothing to import."
        return "Every destination in the file is already recorded, so there is nothing to import."

    def figures(self) -> list[tuple[str, object]]:
        return [
            ("Destination rows in the file", self.result.row_count),
            ("Destinations to add", len(self.new)),
            ("Already recorded (skipped)", len(self.unchanged)),
            ("Rows with problems", len(self.result.error_rows)),
        ]

    def summary(self) -> DestinationsSummary:
        return DestinationsSummary(len(self.new), len(self.unchanged), len(self.result.error_rows))


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
        students: dict[str, int] = {}
        for chunk in uploads.in_chunks(sorted(file_upns(table, self.columns))):
            rows = db.session.execute(
                select(Student.upn, Student.id).where(
                    Student.school_id == school.id, Student.upn.in_(chunk)
                )
            )
            students.update({upn: sid for upn, sid in rows})
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
        for chunk in uploads.in_chunks(plan.new, steps.CHUNK_ROWS):
            ids = {r.student_id for r in chunk}
            students = {
                s.id: s for s in db.session.scalars(select(Student).where(Student.id.in_(ids)))
            }
            for row in chunk:
                values = {**row.values, "source": Source.IMPORTED}
                services.add_record(actor, students[row.student_id], Destination, values)
            yield


DESTINATIONS = DestinationsImporter()
