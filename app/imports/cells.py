"""The cells of an import's file, as the importers read them. Pure logic, no Flask.

A cell is what the table reader gives: text from a CSV file, or a value of an XLSX cell
(text, number, boolean, date, date and time; a time of day or a duration from a cell so
formatted). The parsers here raise CellError with a message fit for the problems list; the
importers' own columns add their rules (see `roster`). `pack_cell` and `unpack_cell` turn a
cell into JSON and back unchanged, type included, for the table kept with an upload.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from app import dates

Cell = str | int | float | bool | date | datetime | time | timedelta | None

_TRUE = {"y", "yes", "t", "true", "1"}
_FALSE = {"n", "no", "f", "false", "0"}


class CellError(ValueError):
    """Raised by the cell parsers with a message fit for the problems list."""


def is_blank(cell: Cell) -> bool:
    """True for an empty cell or one of spaces only."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell: Cell) -> str:
    """Return a cell as trimmed text; whole numbers from spreadsheets lose their '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "Yes" if cell else "No"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return unicodedata.normalize("NFC", str(cell)).strip()


def cell_at(cells: list[Cell], index: int) -> Cell:
    """Return the cell at `index` of a row; a short row has empty cells at its end."""
    return cells[index] if index < len(cells) else None


def header_key(text: str) -> str:
    """Return a header (or a coded value) folded for matching: lower case, letters and digits."""
    return re.sub(r"[^0-9a-z]", "", str(text).casefold())


def parse_flag(cell: Cell) -> bool:
    """Return a Yes/No flag: Y/N, Yes/No, T/F, True/False, 1/0; empty is No."""
    if isinstance(cell, bool):
        return cell
    text = cell_text(cell).casefold()
    if not text or text in _FALSE:
        return False
    if text in _TRUE:
        return True
    raise CellError(f"Use Y or N (or Yes/No, True/False, 1/0), not '{cell_text(cell)}'")


def is_yes(text: str) -> bool:
    """True for the folded text of a Yes flag (y, yes, t, true, 1)."""
    return text in _TRUE


def is_no(text: str) -> bool:
    """True for the folded text of a No flag (n, no, f, false, 0)."""
    return text in _FALSE


def parse_past_date(cell: Cell, today: date) -> date | None:
    """Return the date of a cell (see `app.dates.parse_date`), None when it is empty.

    Raises CellError when it is not a date, or is a date after `today`."""
    if is_blank(cell):
        return None
    try:
        value = dates.parse_date(cell)
    except dates.DateError as error:
        raise CellError(str(error)) from error
    if value > today:
        raise CellError(f"The date {value:%d/%m/%Y} is in the future")
    return value


# JSON has text, numbers (an int stays an int, a float a float), booleans and null; the other
# kinds of cell become a one-key object naming their kind. A cell is never an object itself.
_PACKED_KINDS: tuple[tuple[str, type, Any], ...] = (
    ("datetime", datetime, datetime.fromisoformat),  # before date: a datetime is a date
    ("date", date, date.fromisoformat),
    ("time", time, time.fromisoformat),
)


def pack_cell(cell: Cell) -> Any:
    """Return the JSON form of a cell that JSON has no type for (a date, a datetime, a time
    or a duration); for `json.dumps(default=pack_cell)`. Raises TypeError for anything else."""
    for kind, type_, _ in _PACKED_KINDS:
        if isinstance(cell, type_):
            return {kind: cell.isoformat()}
    if isinstance(cell, timedelta):
        return {"timedelta": [cell.days, cell.seconds, cell.microseconds]}
    raise TypeError(f"A cell cannot be a {type(cell).__name__}")


def unpack_cell(packed: dict) -> Cell:
    """Return the cell of a JSON object made by `pack_cell`; for `json.loads(object_hook=…)`."""
    (kind, value), *_ = packed.items()
    if kind == "timedelta":
        days, seconds, microseconds = value
        return timedelta(days=days, seconds=seconds, microseconds=microseconds)
    for name, _, parse in _PACKED_KINDS:
        if kind == name:
            return parse(value)
    raise ValueError(f"Unknown kind of packed cell: {kind}")
