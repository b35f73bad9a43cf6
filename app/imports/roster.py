"""The roster's columns and rules: checking a roster exported from the school MIS. Pure
logic, no Flask.

`validate` checks every row of a table (see `app.imports.table`) and returns the clean
records and every problem, by row and column as a person sees them in Excel, naming
columns by the file's own header text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from app import academic, dates
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
    map_columns,
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
    Column(
        "fsm_ever6",
        "FSM Ever 6",
        ("FSM Ever 6", "FSM6", "Disadvantaged FSM Ever 6", "Disadvantaged FSM6"),
    ),
    Column("looked_after", "Looked after", ("Looked After", "CLA", "LAC")),
    Column("sen", "SEN", ("SEN", "SEN Status", "SEN Provision")),
    Column("ks2_maths", "KS2 maths", ("KS2 Maths", "KS2 Maths Scaled Score")),
    Column("group", "Group", ("Maths Set", "Group", "Class")),
    Column("entry_year", "Entry year", ("Entry Year", "Year of Entry", "Y7 Entry Year")),
    Column("left_on", "Leaving date", ("Leaving Date", "Date of Leaving", "Date Left")),
    Column("is_target", "Target", ("Target", "Target Student")),
    Column(
        "previously_looked_after",
        "Previously looked after",
        ("Previously Looked After", "PLAC", "Previously LAC", "Post LAC"),
    ),
    Column("sex", "Sex", ("Sex", "Gender")),
    # Not stored: the tracker works "disadvantaged" out (Student.is_disadvantaged); a row
    # saying Y is checked against its own FSM Ever 6 / Looked after / PLAC cells.
    Column("disadvantaged", "Disadvantaged", ("Disadvantaged", "Disadvantaged Indicator")),
)
# With an Entry year column, Year is needed only on the rows whose Entry year is empty.
_COLUMNS_WITH_ENTRY_YEAR = tuple(
    replace(c, required=False) if c.key == "year" else c for c in COLUMNS
)
DISADVANTAGE_REASONS = ("fsm_ever6", "looked_after", "previously_looked_after")

_SEN_CODES = {"n": "N", "no": "N", "k": "K", "e": "E"}
_SEX_CODES = {"f": "F", "female": "F", "m": "M", "male": "M"}
_ENTRY_YEAR = re.compile(r"^(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?$")
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


def parse_sen(cell: Cell) -> str | None:
    """Return the census SEN code N (no SEN; also No), K (SEN support) or E (EHC plan), or
    None when empty (not recorded). Yes is refused: it does not say which of K and E."""
    text = cell_text(cell).casefold()
    if not text:
        return None
    if text in _SEN_CODES:
        return _SEN_CODES[text]
    if is_yes(text) or is_no(text):
        raise CellError(
            f"Use N, K or E, not '{cell_text(cell)}': K for SEN support, E for an EHC plan"
        )
    raise CellError(f"Use N (no SEN), K (SEN support) or E (EHC plan), not '{cell_text(cell)}'")


def parse_sex(cell: Cell) -> str | None:
    """Return sex as in the school census, F or M (Female/Male too), or None when empty."""
    text = cell_text(cell).casefold()
    if not text:
        return None
    if text in _SEX_CODES:
        return _SEX_CODES[text]
    raise CellError(f"Use F or M, as in the school census, not '{cell_text(cell)}'")


def parse_entry_year(cell: Cell, today: date) -> int:
    """Return the academic year a student entered Year 7, from 2019, 2019/20, 2019-20 or
    2019/2020; raise CellError otherwise, or for a year after the current one."""
    text = cell_text(cell)
    match = _ENTRY_YEAR.match(text)
    if not match:
        raise CellError(f"Entry year must be a year such as 2019 or 2019/20, not '{text}'")
    year = int(match.group(1))
    second = match.group(2)
    if second is not None and int(second) not in (year + 1, (year + 1) % 100):
        raise CellError(f"'{text}' is not an academic year: {academic.label(year)} follows {year}")
    if year < 2000:
        raise CellError(f"Entry year {text} is too early: the tracker starts at 2000/01")
    if year > academic.academic_year(today):
        raise CellError(
            f"Entry year {academic.label(year)} has not started yet "
            f"(this is {academic.label(academic.academic_year(today))})"
        )
    return year


def parse_any_date(cell: Cell) -> date | None:
    """Return the date of a cell (past or future), None when it is empty."""
    if is_blank(cell):
        return None
    try:
        return dates.parse_date(cell)
    except dates.DateError as error:
        raise CellError(str(error)) from error


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

    index, _ignored = map_columns(table.headers, COLUMNS)
    columns = _COLUMNS_WITH_ENTRY_YEAR if "entry_year" in index else COLUMNS
    return check_table(table, columns, check_row, across_rows)


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
    entry_cell = cell_at(cells, index["entry_year"]) if "entry_year" in index else None
    cell = cell_at(cells, index["year"]) if "year" in index else None
    if not is_blank(entry_cell):  # the Entry year wins over the Year
        try:
            data["entry_year"] = parse_entry_year(entry_cell, today)
            year_group = academic.year_group(data["entry_year"], today)
        except CellError as error:
            problem("entry_year", str(error))
    elif is_blank(cell):
        problem("year" if "year" in index else "entry_year", EMPTY)
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
        "left_on": parse_any_date,
        "is_target": parse_flag,
        "previously_looked_after": parse_flag,
        "sex": parse_sex,
    }
    for key, parse in parsers.items():
        if key in index:
            try:
                data[key] = parse(cell_at(cells, index[key]))
            except CellError as error:
                problem(key, str(error))

    if "disadvantaged" in index:
        _check_disadvantaged(cell_at(cells, index["disadvantaged"]), data, index, problem)

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


def _check_disadvantaged(cell: Cell, data: dict, index: dict, problem) -> None:
    """Check a Disadvantaged cell (Y/N; never stored: the tracker derives it). A row saying
    Y must give a reason the tracker counts in its own columns: FSM Ever 6, Looked after or
    Previously looked after (see docs/outcomes.md, "Who is counted")."""
    try:
        disadvantaged = parse_flag(cell)
    except CellError as error:
        problem("disadvantaged", str(error))
        return
    if not disadvantaged or any(data.get(key) for key in DISADVANTAGE_REASONS):
        return
    labels = {c.key: c.label for c in COLUMNS}
    given = [labels[key] for key in DISADVANTAGE_REASONS if key in index]
    reason = (
        f"this row's {' and '.join(given)} say No"
        if given
        else "the file has no FSM Ever 6, Looked after or Previously looked after column"
    )
    problem(
        "disadvantaged",
        f"Disadvantaged says Yes but {reason}: the tracker works disadvantaged out from "
        "those (the DfE definition), so give the reason there",
    )
