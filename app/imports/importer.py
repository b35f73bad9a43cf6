"""The importer interface: what each import (the roster, grades, and later post-16 choices
and destinations) writes, and what the shared pages and command run.

An importer names its columns and checks a file's rows (`validate`), works out what the
valid rows would change (`plan`) and writes that (`write`). `preview` and `apply` are the
same for every importer: read the table, check it, plan it; apply every row when the file
has no problem, or only the valid rows when the user chose that, in one flush the caller
commits. Mount an importer's pages with `app.imports.views.mount` and its command with
`app.imports.cli.import_command`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.extensions import db
from app.imports.columns import Column, ImportResult, RowError, recognised_headers
from app.imports.table import Table, read_table
from app.models import School, User

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
    def write(self, actor: User | None, school: School, plan: ImportPlan) -> Any:
        """Write the plan's valid rows (audited) and return its summary. Flushes at most."""

    def preview(
        self, school: School, content: bytes, filename: str, today: date | None = None
    ) -> ImportPlan:
        """Read and check a file for `school` and work out what importing it would do.

        Raises ImportFileError (app.imports.table) if the file cannot be read at all."""
        today = today or date.today()
        table = read_table(content, filename)
        return self.plan(school, self.validate(table, school, today), today)

    def apply(self, actor: User | None, school: School, plan: ImportPlan, *, valid_only: bool):
        """Write `plan` for `school` and return its summary; `actor` None is the command line.

        Raises ImportBlocked, writing nothing, if the file has problems and `valid_only` is
        false, or if no row is valid. Flushes; the caller commits.
        """
        if plan.errors and not valid_only:
            raise ImportBlocked(HAS_PROBLEMS)
        if not plan.result.records:
            raise ImportBlocked(NOTHING_VALID)
        summary = self.write(actor, school, plan)
        db.session.flush()
        return summary
