"""The roster's columns and rules: checking a roster exported from the school MIS. Pure
logic, no Flask.

`validate` checks every row of a table (see `app.imports.table`) and returns the clean
records and every problem, by row and column as a person sees them in Excel, naming
columns by the file's own header text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app import academic
from app.access import UPN_NOT_HERE
from app.imports.cells import (
    Cell,
    CellError,
    cell_at,
    cell_text,
    is_blank,
    is_no,
    is_yes,
    parse_flag,
    parse_past_date,
)
from app.imports.columns import (
    EMPTY,
    CheckedRow,
    Column,
    ImportResult,
    RowError,
    check_table,
)
from app.imports.table import Table
from app.upn import InvalidUPN, normalise_upn

KS2_MIN, KS2_MAX = 80, 120
NAME_MAX = 100

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

_SEN_YES = {"k", "e"}
_YEAR = re.compile(r"^(?:y|yr|year)?\s*(\d{1,2})$", re.IGNORECASE)
_INTEGER = re.compile(r"^[+-]?\d+(?:\.0+)?$")


@dataclass
class RosterRecord:
    """A valid row: Student attributes for the columns the file has, and its group if any."""

    row: int
    upn: str
    data: dict
    year_group: int
    group: str | None = None
    is_new: bool = True


# Cells -----------------------------------------------------------------------------------


def parse_sen(cell: Cell) -> bool | None:
    """Return SEN as True/False, or None when empty (not recorded): a Yes/No value or the
    MIS codes N (no SEN), K (SEN support) and E (EHC plan)."""
    if isinstance(cell, bool):
        return cell
    text = cell_text(cell).casefold()
    if not text:
        return None
    if text in _SEN_YES or is_yes(text):
        return True
    if is_no(text):
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


def _name(cell: Cell, required: bool) -> str | None:
    text = cell_text(cell)
    if not text:
        if required:
            raise CellError(EMPTY)
        return None
    if len(text) > NAME_MAX:
        raise CellError(f"Too long: at most {NAME_MAX} characters")
    return text


# Checking --------------------------------------------------------------------------------


def validate(
    table: Table, existing: Mapping[str, int], school_id: int, today: date
) -> ImportResult:
    """Check every row of `table` for `school_id`; the result's records are RosterRecords.

    `existing` maps UPNs already in the database to their school id: a UPN of this school
    makes the row an update, a UPN of another school is a problem. Year groups are stored
    as the entry year on `today`. Only the columns the file has go into a record's data, so
    an import never clears a field it has no column for.
    """

    def check_row(number, cells, index, headers):
        return _check_row(number, cells, index, headers, today)

    def across_rows(checked: list[CheckedRow], result: ImportResult) -> list[CheckedRow]:
        upn_rows: dict[str, list[int]] = {}
        for number, record, _problems in checked:
            if record is not None:
                upn_rows.setdefault(record.upn, []).append(number)
        upn_header = result.columns["upn"]
        for number, record, problems in checked:
            if record is None:
                continue
            others = [n for n in upn_rows[record.upn] if n != number]
            if others:
                rows = ", ".join(str(n) for n in others)
                problems.insert(
                    0, RowError(number, upn_header, f"Duplicate UPN: also in row {rows}")
                )
            elif record.upn in existing and existing[record.upn] != school_id:
                problems.insert(
                    0,
                    RowError(number, upn_header, UPN_NOT_HERE),
                )
            record.is_new = record.upn not in existing
        return checked

    return check_table(table, COLUMNS, check_row, across_rows)


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
        problem("upn", EMPTY if not raw_upn else str(error))

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
        problem("year", EMPTY)
    else:
        try:
            year_group = parse_year_group(cell)
            data["entry_year"] = academic.entry_year_for(year_group, today)
        except CellError as error:
            problem("year", str(error))

    parsers = {
        "date_of_birth": lambda c: parse_past_date(c, today),
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
