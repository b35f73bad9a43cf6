"""What every import checks the same way: the columns it understands, matched to the file's
header, and the result of checking the rows. Pure logic, no Flask.

An importer lists its `Column`s; `start_result` matches them to the header (ignoring case,
spaces and punctuation) and reports each missing required column on the header row; the
importer then checks the rows into the result's `records` and `errors`. A `RowError` names a
row as Excel numbers it (the header is row 1 unless blank rows come first) and a column by
the file's own header text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.imports.cells import cell_at, cell_text, header_key
from app.imports.table import Table
from app.upn import InvalidUPN, normalise_upn

EMPTY = "This cell is empty; a value is required"


@dataclass(frozen=True)
class Column:
    """A column an import understands: its key, its label, and the headers it has in files,
    the first the preferred one."""

    key: str
    label: str
    headers: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class RowError:
    """One problem: row number as in Excel, the file's column header, and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportResult:
    """Everything checking a file found: the valid rows (`records`, of the importer's own
    type), the problems, the columns used (key -> the file's header) and those ignored."""

    records: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    missing_columns: list[str] = field(default_factory=list)
    row_count: int = 0
    header_row: int = 1

    @property
    def error_rows(self) -> set[int]:
        """Row numbers of data rows with at least one problem."""
        return {e.row for e in self.errors if e.row != self.header_row}


def recognised_headers(columns: tuple[Column, ...]) -> list[tuple[str, tuple[str, ...], bool]]:
    """Return (label, accepted headers, required) for each column, for help texts."""
    return [(c.label, c.headers, c.required) for c in columns]


def map_columns(
    headers: list[str], columns: tuple[Column, ...]
) -> tuple[dict[str, int], list[str]]:
    """Match headers to `columns` ignoring case, spaces, underscores and punctuation.

    Returns (column key -> index in the row, headers ignored). When two headers give the
    same column the one listed first in that column's headers is used, the other ignored.
    """
    key_by_header = {header_key(h): c.key for c in columns for h in c.headers}
    rank = {header_key(h): n for c in columns for n, h in enumerate(c.headers)}
    chosen: dict[str, int] = {}
    for index, header in enumerate(headers):
        folded = header_key(header)
        key = key_by_header.get(folded)
        if key is None:
            continue
        current = chosen.get(key)
        if current is None or rank[folded] < rank[header_key(headers[current])]:
            chosen[key] = index
    used = set(chosen.values())
    ignored = [h for i, h in enumerate(headers) if i not in used and h.strip()]
    return chosen, ignored


def start_result(table: Table, columns: tuple[Column, ...]) -> tuple[ImportResult, dict[str, int]]:
    """Match the table's header to `columns` and return (result, column key -> index).

    The result has no records yet; each required column the file lacks is a problem on the
    header row and is listed in `missing_columns` (the rows cannot be checked then)."""
    index, ignored = map_columns(table.headers, columns)
    result = ImportResult(
        ignored_columns=ignored,
        columns={key: table.headers[i] for key, i in index.items()},
        row_count=len(table.rows),
        header_row=table.header_row,
    )
    for column in columns:
        if column.required and column.key not in index:
            result.missing_columns.append(column.label)
            accepted = ", ".join(column.headers)
            result.errors.append(
                RowError(
                    table.header_row,
                    column.label,
                    f"Required column is missing (headers accepted: {accepted})",
                )
            )
    return result, index


def file_upns(table: Table, columns: tuple[Column, ...]) -> set[str]:
    """Return the valid UPNs of the file's "upn" column, so the caller can look up whose they
    are in one query."""
    index, _ = map_columns(table.headers, columns)
    if "upn" not in index:
        return set()
    found = set()
    for _number, cells in table.rows:
        try:
            found.add(normalise_upn(cell_text(cell_at(cells, index["upn"]))))
        except InvalidUPN:
            continue
    return found


# A row checked on its own: (row number, its record or None, its problems).
CheckedRow = tuple[int, Any, list[RowError]]


def check_table(
    table: Table,
    columns: tuple[Column, ...],
    check_row: Callable[[int, list, dict[str, int], dict[str, str]], tuple[Any, list[RowError]]],
    across_rows: Callable[[list[CheckedRow], ImportResult], list[CheckedRow]] | None = None,
) -> ImportResult:
    """Check a table the way every importer does: the header against `columns`, then each row
    on its own (`check_row(number, cells, index, headers)` returns its record or None and its
    problems), then the rows against one another (`across_rows` adds problems, such as a
    duplicate, and returns the rows to keep); a row with no problem gives a record."""
    result, index = start_result(table, columns)
    if result.missing_columns:
        return result
    checked: list[CheckedRow] = []
    for number, cells in table.rows:
        record, problems = check_row(number, cells, index, result.columns)
        checked.append((number, record, problems))
    if across_rows is not None:
        checked = across_rows(checked, result)
    for _number, record, problems in checked:
        if problems:
            result.errors.extend(problems)
        elif record is not None:
            result.records.append(record)
    return result
