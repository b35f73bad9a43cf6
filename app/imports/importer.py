"""The importer interface: what each import (the roster, grades, and later post-16 choices
and destinations) writes, and what the shared pages and command run.

An importer names its columns and checks a file's rows (`validate`), works out what the
valid rows would change (`plan`) and writes that (`write`). `preview` and `apply` are the
same for every importer: read the table, check it and plan it (reads only); then apply every
row when the file has no problem, or only the valid rows when the user chose that.

`write` is a generator that writes a chunk of at most `steps.CHUNK_ROWS` rows (audited, through
the session's objects) and yields; `apply` commits each chunk in its own short transaction,
so a long file never holds the database for long, and still all or nothing: if a chunk
fails, what the earlier chunks wrote is undone and the upload unclaimed (`app.imports.steps`).
`apply` commits; the caller only commits its own bookkeeping after it. Mount an importer's
pages with `app.imports.views.mount` and its command with `app.imports.cli.import_command`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.imports import steps, uploads
from app.imports.columns import Column, ImportResult, RowError, recognised_headers
from app.imports.table import Table
from app.models import School, Upload, User

HAS_PROBLEMS = (
    "Nothing was imported: the file has problems. Fix them and upload it again, "
    "or import only the valid rows."
)
NOTHING_VALID = "Nothing was imported: no row of the file is valid."


class ImportBlocked(ValueError):
    """Raised by `Importer.apply` when the file has problems and the user did not ask for the
    valid rows only, or when no row is valid: nothing is written then."""


def skipped_text(rows: int) -> str:
    """Return e.g. "; 2 rows with problems skipped" for a summary, "" when none was."""
    if not rows:
        return ""
    return f"; {rows} {'row' if rows == 1 else 'rows'} with problems skipped"


@dataclass
class ImportPlan(ABC):
    """What importing a checked file would do. Each importer's plan adds what its preview
    shows (new and changed records) and says in `figures` how to count it."""

    result: ImportResult

    @property
    def errors(self) -> list[RowError]:
        return self.result.errors

    @property
    def valid_count(self) -> int:
        """How many rows have no problem."""
        return len(self.result.records)

    @property
    @abstractmethod
    def has_work(self) -> bool:
        """True when applying the valid rows is worth offering."""

    @property
    def can_import_all(self) -> bool:
        return not self.errors and self.has_work

    @property
    def can_import_valid(self) -> bool:
        return bool(self.errors) and self.has_work

    @property
    def import_all_label(self) -> str:
        """The words of the button that imports a file without problems."""
        return "Import all rows"

    @property
    def nothing_to_import(self) -> str:
        """What the preview says when the file has no problem and nothing to do."""
        return "There is nothing to import."

    @abstractmethod
    def figures(self) -> list[tuple[str, Any]]:
        """(label, value) pairs that sum the plan up at the top of the preview."""

    @abstractmethod
    def summary(self) -> Any:
        """What the plan does when applied with its valid rows; str() of it reads well."""


class Importer(ABC):
    """One kind of import. Subclasses set `purpose` (the kind of stored upload, and the
    name of the upload's form field), `columns` and `row_noun` ("student": "Student rows in
    the file"), and write `validate`, `plan` and `write`."""

    purpose: str
    columns: tuple[Column, ...]
    row_noun: str

    def recognised_headers(self) -> list[tuple[str, tuple[str, ...], bool]]:
        """(label, accepted headers, required) of each column, for help texts."""
        return recognised_headers(self.columns)

    @abstractmethod
    def validate(self, table: Table, school: School, today: date) -> ImportResult:
        """Check every row of `table` for `school`, looking up what the rules need in a fixed
        number of queries; the result's records are the valid rows."""

    @abstractmethod
    def plan(self, school: School, result: ImportResult, today: date) -> ImportPlan:
        """Work out what the valid rows of `result` would change, in a fixed number of
        queries."""

    @abstractmethod
    def write(self, actor: User | None, school: School, plan: ImportPlan) -> Iterator[None]:
        """Write the plan's valid rows (audited) as a generator: at most `steps.CHUNK_ROWS`
        rows, through the session's objects, then `yield` (apply commits), and so on. Never
        commits."""

    def preview(
        self,
        school: School,
        table: Table | bytes,
        filename: str = "",
        today: date | None = None,
    ) -> ImportPlan:
        """Check a file's table for `school` and work out what importing it would do. Given
        the file's bytes (and name) instead, read it first in a child process with limits,
        as every upload is (`app.imports.uploads.read_file`).

        Raises ImportFileError (app.imports.table) if the file cannot be read at all."""
        today = today or date.today()
        if isinstance(table, bytes):
            table = uploads.read_file(table, filename)
        return self.plan(school, self.validate(table, school, today), today)

    def apply(
        self,
        actor: User | None,
        school: School,
        plan: ImportPlan,
        *,
        valid_only: bool,
        upload: Upload | None = None,
    ):
        """Write `plan` for `school` in short transactions and return its summary; `actor`
        None is the command line. Commits (with the caller's pending work, such as claiming
        `upload`, in the first transaction).

        Raises ImportBlocked, writing nothing, if the file has problems and `valid_only` is
        false, or if no row is valid. If writing fails part-way, everything written is undone
        and `upload` marked not applied; then an IntegrityError is raised again (the records
        changed meanwhile), and any other database error becomes ImportBlocked saying so.
        """
        if plan.errors and not valid_only:
            raise ImportBlocked(HAS_PROBLEMS)
        if not plan.result.records:
            raise ImportBlocked(NOTHING_VALID)
        summary = plan.summary()
        try:
            steps.write_in_steps(self.write(actor, school, plan), upload)
        except steps.ImportUndone as undone:
            raise ImportBlocked(str(undone)) from undone
        return summary
