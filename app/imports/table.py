"""The table reader of every import: the bytes of a CSV or XLSX file become a header and rows.
Pure logic, no Flask.

The header is the first row that is not blank; blank rows are skipped but keep their numbers,
so every row is numbered as a person sees it in Excel. Anything that stops the file being
read at all is an ImportFileError whose message is fit to show the user.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from app.imports.cells import Cell, cell_text, is_blank

MAX_FILE_BYTES = 10 * 1024 * 1024
TOO_LARGE = "The file is larger than 10 MB. Export only the columns needed."
# An XLSX is a zip: refuse one that would unpack to far more than any import needs.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024


class ImportFileError(ValueError):
    """Raised when the file as a whole cannot be read; the message is fit to show the user."""


@dataclass
class Table:
    """The cells of an import's file: its header row, and each data row with its row number."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    header_row: int = 1


def read_table(content: bytes, filename: str) -> Table:
    """Read a CSV or XLSX file (told apart by the file name) into a Table.

    Raises ImportFileError if the file is empty, larger than 10 MB, not CSV or XLSX,
    unreadable, or has no header row.
    """
    if not content:
        raise ImportFileError("The file is empty.")
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(TOO_LARGE)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(content)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(content)
    elif suffix in (".xls", ".xlsm", ".ods", ".numbers"):
        raise ImportFileError(
            f"This is a {suffix} file. Save it from your spreadsheet as CSV or XLSX."
        )
    else:
        raise ImportFileError("Upload a CSV or XLSX file (the name must end in .csv or .xlsx).")
    return _table(rows)


def _table(rows: Iterable[list[Cell]]) -> Table:
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
        raise ImportFileError("The file has no header row: it has no cells with text.")
    return Table(headers=headers, rows=data, header_row=header_row)


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
        raise ImportFileError("This does not look like a CSV file. Save it as CSV or XLSX.")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    # Excel in some locales writes ; and its "Unicode text" export uses tabs.
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ImportFileError(f"The CSV file could not be read ({error}).") from error


def _xlsx_rows(content: bytes) -> list[list[Cell]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise ImportFileError("The XLSX file is too large once unpacked.")
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            "The XLSX file could not be read. Open it in Excel and save it again as XLSX or CSV."
        ) from error
