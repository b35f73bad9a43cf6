"""Reading and checking a roster exported from the school MIS. Pure logic, no Flask.

`read_table` turns the bytes of a CSV or XLSX file into a header and rows; `validate`
checks every row and returns the clean records and every problem, by row and column as a
person sees them in Excel (the header is row 1, the first student row 2), naming columns
by the file's own header text.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from app import academic
from app.upn import InvalidUPN, normalise_upn

MAX_FILE_BYTES = 10 * 1024 * 1024
# An XLSX is a zip: refuse one that would unpack to far more than any roster needs.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
KS2_MIN, KS2_MAX = 80, 120
NAME_MAX = 100


class RosterFileError(ValueError):
    """Raised when the file as a whole cannot be read; the message is fit to show the user."""


@dataclass(frozen=True)
class Column:
    """A column the import understands: the Student field it fills and the headers it has."""

    key: str
    label: str
    headers: tuple[str, ...]
    required: bool = False


# In order of preference: when a file has two headers for the same column, the first wins.
COLUMNS: tuple[Column, ...] = (
    Column("upn", "UPN", ("UPN",), required=True),
    Column("first_name", "First name", ("Forename", "First Name", "Legal Forename"), True),
    Column("last_name", "Last name", ("Surname", "Last Name", "Legal Surname"), True),
    Column("year", "Year", ("Year", "Year Group", "NC Year"), required=True),
    Column("preferred_name", "Preferred forename", ("Preferred Forename",)),
    Column("date_of_birth", "Date of birth", ("DOB", "Date of Birth")),
    Column("pupil_premium", "Pupil Premium", ("Pupil Premium", "PP", "Pupil Premium Indicator")),
    Column("fsm_ever6", "FSM Ever 6", ("FSM Ever 6", "FSM6")),
    Column("looked_after", "Looked after", ("Looked After", "CLA", "LAC")),
    Column("sen", "SEN", ("SEN", "SEN Status")),
    Column("ks2_maths", "KS2 maths", ("KS2 Maths", "KS2 Maths Scaled Score")),
    Column("group", "Group", ("Maths Set", "Group", "Class")),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
FLAG_KEYS = ("pupil_premium", "fsm_ever6", "looked_after")

_TRUE = {"y", "yes", "t", "true", "1"}
_FALSE = {"n", "no", "f", "false", "0"}
_SEN_YES = {"k", "e"}
_YEAR = re.compile(r"^(?:y|yr|year)?\s*(\d{1,2})$", re.IGNORECASE)
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0+)?$")

Cell = str | int | float | bool | date | datetime | None


def header_key(text: str) -> str:
    """Return a header folded for matching: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(text).casefold())


def recognised_headers(
    columns: tuple[Column, ...] = COLUMNS,
) -> list[tuple[str, tuple[str, ...], bool]]:
    """Return (label, accepted headers, required) for each column, for help texts."""
    return [(c.label, c.headers, c.required) for c in columns]


@dataclass
class RosterTable:
    """The cells of a roster file: its header row, and each data row with its row number."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    header_row: int = 1


@dataclass(frozen=True)
class RowError:
    """One problem: row number as in Excel, the file's column header, and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class RosterRecord:
    """A valid row: Student attributes for the columns the file has, and its group if any."""

    row: int
    upn: str
    data: dict
    year_group: int
    group: str | None = None
    is_new: bool = True


@dataclass
class RosterResult:
    """Everything `validate` found: clean records, problems, and the columns it ignored."""

    records: list[RosterRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    row_count: int = 0
    header_row: int = 1

    @property
    def error_rows(self) -> set[int]:
        """Row numbers of student rows with at least one problem."""
        return {e.row for e in self.errors if e.row != self.header_row}

    @property
    def missing_columns(self) -> list[str]:
        """Labels of the required columns the file does not have."""
        return [c.label for c in COLUMNS if c.required and c.key not in self.columns]


# Reading ---------------------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> RosterTable:
    """Read a CSV or XLSX file into a RosterTable.

    The header is the first row that is not blank; blank rows are skipped but keep their
    row numbers. Raises RosterFileError if the file is empty, too large, not CSV or XLSX,
    unreadable, or has no header row.
    """
    if not content:
        raise RosterFileError("The file is empty.")
    if len(content) > MAX_FILE_BYTES:
        raise RosterFileError("The file is larger than 10 MB. Export only the columns needed.")
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(content)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(content)
    elif suffix in (".xls", ".xlsm", ".ods", ".numbers"):
        raise RosterFileError(
            f"This is a {suffix} file. Save it from your spreadsheet as CSV or XLSX."
        )
    else:
        raise RosterFileError("Upload a CSV or XLSX file (the name must end in .csv or .xlsx).")
    return _table(rows)


def _table(rows: Iterable[list[Cell]]) -> RosterTable:
    headers: list[str] | None = None
    header_row = 0
    data: list[tuple[int, list[Cell]]] = []
    for number, cells in enumerate(rows, start=1):
        if all(is_blank(c) for c in cells):
            continue
        if headers is None:
            headers = [cell_text(c) for c in cells]
            header_row = number
        else:
            data.append((number, list(cells)))
    if headers is None:
        raise RosterFileError("The file has no header row: it has no cells with text.")
    return RosterTable(headers=headers, rows=data, header_row=header_row)


def decode_text(content: bytes) -> str:
    """Decode CSV bytes: UTF-8 with or without a byte order mark, UTF-16 with one, or
    Windows-1252 (what Excel on Windows writes) when the bytes are not UTF-8."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _csv_rows(content: bytes) -> list[list[Cell]]:
    text = decode_text(content)
    if "\x00" in text:
        raise RosterFileError("This does not look like a CSV file. Save it as CSV or XLSX.")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    # Excel in some locales writes ; and its "Unicode text" export uses tabs.
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise RosterFileError(f"The CSV file could not be read ({error}).") from error


def _xlsx_rows(content: bytes) -> list[list[Cell]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise RosterFileError("The XLSX file is too large once unpacked.")
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except RosterFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise RosterFileError(
            "The XLSX file could not be read. Open it in Excel and save it again as XLSX or CSV."
        ) from error


# Cells -----------------------------------------------------------------------------------


def is_blank(cell: Cell) -> bool:
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


class CellError(ValueError):
    """Raised by the cell parsers with a message fit for the problems list."""


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


def parse_sen(cell: Cell) -> bool | None:
    """Return SEN as True/False, or None when empty (not recorded): a Yes/No value or the
    MIS codes N (no SEN), K (SEN support) and E (EHC plan)."""
    if isinstance(cell, bool):
        return cell
    text = cell_text(cell).casefold()
    if not text:
        return None
    if text in _SEN_YES or text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"Use N, K or E (or Yes/No), not '{cell_text(cell)}'")


def parse_year_group(cell: Cell) -> int:
    """Return a year group 7-13 from 8, Y8, Year 8 (any case); raise CellError otherwise."""
    text = cell_text(cell)
    match = _YEAR.match(text)
    if not match:
        raise CellError(f"Unknown year group '{text}': use a year from 7 to 13, such as 8 or Y8")
    year = int(match.group(1))
    if not academic.FIRST_YEAR_GROUP <= year <= academic.LAST_YEAR_GROUP:
        raise CellError(f"Unknown year group '{text}': the year must be from 7 to 13")
    return year


def parse_ks2(cell: Cell) -> int | None:
    """Return a KS2 maths scaled score 80-120, or None when empty (no tests in 2020, 2021)."""
    text = cell_text(cell)
    if not text:
        return None
    if not _INTEGER.match(text):
        raise CellError(f"KS2 score must be a whole number from 80 to 120, not '{text}'")
    score = int(float(text))
    if not KS2_MIN <= score <= KS2_MAX:
        raise CellError(f"KS2 score must be from 80 to 120, not {score}")
    return score


def parse_date(cell: Cell, today: date) -> date | None:
    """Return a date from dd/mm/yyyy, yyyy-mm-dd or a date cell; None when empty."""
    if isinstance(cell, datetime):
        value = cell.date()
    elif isinstance(cell, date):
        value = cell
    else:
        text = cell_text(cell)
        if not text:
            return None
        value = None
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                value = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        if value is None:
            raise CellError(f"Date must be dd/mm/yyyy or yyyy-mm-dd, not '{text}'")
    if value > today:
        raise CellError(f"The date {value:%d/%m/%Y} is in the future")
    return value


def _name(cell: Cell, required: bool) -> str | None:
    text = cell_text(cell)
    if not text:
        if required:
            raise CellError("This cell is empty; a value is required")
        return None
    if len(text) > NAME_MAX:
        raise CellError(f"Too long: at most {NAME_MAX} characters")
    return text


# Checking --------------------------------------------------------------------------------


def map_columns(
    headers: list[str], columns: tuple[Column, ...] = COLUMNS
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


def file_upns(table: RosterTable) -> set[str]:
    """Return the valid UPNs in the file, so the caller can look up who already has them."""
    index, _ = map_columns(table.headers)
    if "upn" not in index:
        return set()
    found = set()
    for _number, cells in table.rows:
        try:
            found.add(normalise_upn(cell_text(cell_at(cells, index["upn"]))))
        except InvalidUPN:
            continue
    return found


def cell_at(cells: list[Cell], index: int) -> Cell:
    return cells[index] if index < len(cells) else None


def validate(
    table: RosterTable, existing: Mapping[str, int], school_id: int, today: date
) -> RosterResult:
    """Check every row of `table` for `school_id`.

    `existing` maps UPNs already in the database to their school id: a UPN of this school
    makes the row an update, a UPN of another school is a problem. Year groups are stored
    as the entry year on `today`. Only the columns the file has go into a record's data, so
    an import never clears a field it has no column for.
    """
    index, ignored = map_columns(table.headers)
    result = RosterResult(
        ignored_columns=ignored, row_count=len(table.rows), header_row=table.header_row
    )
    result.columns = {key: table.headers[i] for key, i in index.items()}
    missing = [c for c in COLUMNS if c.required and c.key not in index]
    for column in missing:
        result.errors.append(
            RowError(
                table.header_row,
                column.label,
                "Required column is missing (headers accepted: " + ", ".join(column.headers) + ")",
            )
        )
    if missing:
        return result

    upn_rows: dict[str, list[int]] = {}
    candidates: list[tuple[RosterRecord | None, list[RowError]]] = []
    for number, cells in table.rows:
        record, problems = _check_row(number, cells, index, result.columns, today)
        if record is not None:
            upn_rows.setdefault(record.upn, []).append(number)
        candidates.append((record, problems))

    upn_header = result.columns["upn"]
    for record, problems in candidates:
        if record is not None:
            others = [n for n in upn_rows[record.upn] if n != record.row]
            if others:
                rows = ", ".join(str(n) for n in others)
                problems.insert(
                    0, RowError(record.row, upn_header, f"Duplicate UPN: also in row {rows}")
                )
            elif record.upn in existing and existing[record.upn] != school_id:
                problems.insert(
                    0,
                    RowError(
                        record.row, upn_header, "This UPN belongs to a student at another school"
                    ),
                )
            record.is_new = record.upn not in existing
        if problems:
            result.errors.extend(problems)
        elif record is not None:
            result.records.append(record)
    return result


def _check_row(
    number: int,
    cells: list[Cell],
    index: dict[str, int],
    headers: dict[str, str],
    today: date,
) -> tuple[RosterRecord | None, list[RowError]]:
    """Check one row; return its record (None if the UPN is unusable) and its problems."""
    problems: list[RowError] = []
    data: dict = {}
    upn: str | None = None

    def problem(key: str, message: str) -> None:
        problems.append(RowError(number, headers[key], message))

    raw_upn = cell_text(cell_at(cells, index["upn"]))
    try:
        upn = normalise_upn(raw_upn)
        data["upn"] = upn
    except InvalidUPN as error:
        problem("upn", "This cell is empty; a value is required" if not raw_upn else str(error))

    for key in ("first_name", "last_name", "preferred_name"):
        if key in index:
            try:
                value = _name(cell_at(cells, index[key]), required=key != "preferred_name")
                data[key] = value
            except CellError as error:
                problem(key, str(error))

    year_group = 0
    cell = cell_at(cells, index["year"])
    if is_blank(cell):
        problem("year", "This cell is empty; a value is required")
    else:
        try:
            year_group = parse_year_group(cell)
            data["entry_year"] = academic.entry_year_for(year_group, today)
        except CellError as error:
            problem("year", str(error))

    parsers = {
        "date_of_birth": lambda c: parse_date(c, today),
        "pupil_premium": parse_flag,
        "fsm_ever6": parse_flag,
        "looked_after": parse_flag,
        "sen": parse_sen,
        "ks2_maths": parse_ks2,
    }
    for key, parse in parsers.items():
        if key in index:
            try:
                data[key] = parse(cell_at(cells, index[key]))
            except CellError as error:
                problem(key, str(error))

    group = None
    if "group" in index:
        try:
            group = _name(cell_at(cells, index["group"]), required=False)
        except CellError as error:
            problem("group", str(error))

    if upn is None:
        return None, problems
    record = RosterRecord(row=number, upn=upn, data=data, year_group=year_group, group=group)
    return record, problems
