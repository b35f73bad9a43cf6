"""Importers of records about a school's students (grades, post-16 records, destinations):
each row names a student by UPN and adds one record, unless it repeats the student's
current record, so a file imported twice adds nothing the second time.

An area's importer subclasses `RecordsPlan` (setting its `noun`), finds its students with
`school_student_ids` and writes with `add_in_chunks`; the words of its preview and summary
come from here, the same for every such import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import select

from app.extensions import db
from app.imports import steps, uploads
from app.imports.columns import EMPTY
from app.imports.importer import ImportPlan, skipped_text
from app.models import Student
from app.upn import InvalidUPN, normalise_upn

NO_STUDENT = "No student with this UPN in this school"


@dataclass(frozen=True)
class Noun:
    """What one imported record is called: "grade" / "grades"."""

    singular: str
    plural: str

    def of(self, count: int) -> str:
        return self.singular if count == 1 else self.plural


@dataclass
class RecordsSummary:
    """What a records import did (or would do): "12 grades added, 2 unchanged (already
    recorded)", and the rows with problems skipped when only the valid rows were imported."""

    noun: Noun
    added: int
    unchanged: int
    skipped_rows: int = 0

    def __str__(self) -> str:
        text = f"{self.added} {self.noun.of(self.added)} added"
        if self.unchanged:
            text += f", {self.unchanged} unchanged (already recorded)"
        return text + skipped_text(self.skipped_rows)


@dataclass
class RecordsPlan(ImportPlan):
    """What importing a file of records would do: the records its valid rows add (`new`),
    and the valid rows that only repeat a student's current record (`unchanged`, skipped)."""

    noun: ClassVar[Noun]
    new: list[Any] = field(default_factory=list)
    unchanged: list[Any] = field(default_factory=list)

    @property
    def has_work(self) -> bool:
        return bool(self.new)

    @property
    def import_all_label(self) -> str:
        return f"Import {len(self.new)} {self.noun.of(len(self.new))}"

    @property
    def nothing_to_import(self) -> str:
        if not self.result.records:
            return f"The file has no {self.noun.singular} rows, so there is nothing to import."
        return (
            f"Every {self.noun.singular} in the file is already recorded, "
            "so there is nothing to import."
        )

    def figures(self) -> list[tuple[str, object]]:
        return [
            (f"{self.noun.singular.capitalize()} rows in the file", self.result.row_count),
            (f"{self.noun.plural.capitalize()} to add", len(self.new)),
            ("Already recorded (skipped)", len(self.unchanged)),
            ("Rows with problems", len(self.result.error_rows)),
        ]

    def summary(self) -> RecordsSummary:
        return RecordsSummary(
            self.noun, len(self.new), len(self.unchanged), len(self.result.error_rows)
        )


def school_student_ids(school_id: int, upns: Iterable[str]) -> dict[str, int]:
    """UPN -> student id of the school's own students among `upns` (another school's UPN
    reads as unknown): one query per 5000 UPNs."""
    students: dict[str, int] = {}
    for chunk in uploads.in_chunks(sorted(upns)):
        rows = db.session.execute(
            select(Student.upn, Student.id).where(
                Student.school_id == school_id, Student.upn.in_(chunk)
            )
        )
        students.update({upn: student_id for upn, student_id in rows})
    return students


def row_student(text: str, students: Mapping[str, int]) -> tuple[str, int | None, str | None]:
    """Read a row's UPN cell against the school's students (`school_student_ids`): return
    (the UPN as stored, the student's id, None), or (what was typed, None, the problem to
    show in the UPN column)."""
    if not text:
        return text, None, EMPTY
    try:
        upn = normalise_upn(text)
    except InvalidUPN as error:
        return text, None, str(error)
    student_id = students.get(upn)
    return upn, student_id, None if student_id is not None else NO_STUDENT


def add_in_chunks(rows: list[Any], add: Callable[[Student, Any], None]) -> Iterator[None]:
    """Call `add(student, row)` for each row (rows carry `student_id`), a chunk of
    `steps.CHUNK_ROWS` at a time with one query for the chunk's students, yielding after
    each chunk so that the importer's `apply` commits it (app.imports.importer)."""
    for chunk in uploads.in_chunks(rows, steps.CHUNK_ROWS):
        ids = {row.student_id for row in chunk}
        students = {s.id: s for s in db.session.scalars(select(Student).where(Student.id.in_(ids)))}
        for row in chunk:
            add(students[row.student_id], row)
        yield
