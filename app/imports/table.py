"""The table reader of every import: the bytes of a CSV or XLSX file become a header and rows.
Pure logic, no Flask.

The header is the first row that is not blank; blank rows are skipped but keep their numbers,
so every row is numbered as a person sees it in Excel. Rows are read one at a time and never
padded: an XLSX sheet's declared size is ignored (a hostile file declares a million rows by
16,384 columns), empty cells at the end of a row are dropped, and reading stops after
BLANK_RUN blank rows in a row. A file of more than `max_rows` data rows or MAX_COLUMNS
columns is refused with a message naming the limit. Anything that stops the file being read
at all is an ImportFileError whose message is fit to show the user.

A CSV file's encoding is UTF-8 (with or without a byte order mark) whenever its bytes are
valid UTF-8, UTF-16 with a byte order mark, and otherwise the one charset-normalizer finds
most likely (Windows-1252 when that reads the same); `Table.encoding` says which, and
`Table.other_encodings` the others worth offering. `pack_table` and `unpack_table` keep a
table as compressed bytes, cells unchanged. Reading a file someone uploaded happens in a
child process with limits (`app.imports.reader`), never in the web server itself.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from app.imports.cells import Cell, cell_text, is_blank, pack_cell, unpack_cell

MAX_FILE_BYTES = 10 * 1024 * 1024
TOO_LARGE = "The file is larger than 10 MB. Export only the columns needed."
MAX_ROWS = 20_000  # the default of the app's MAX_IMPORT_ROWS
MAX_COLUMNS = 200
# What a table kept with an upload may hold (as JSON), so that reading it back stays small.
MAX_TABLE_BYTES = 32 * 1024 * 1024
TOO_MUCH_TEXT = "This file holds more than 32 MB of text; export only the columns the import needs."
BLANK_RUN = 1000
DAMAGED = "This file is too large or damaged to read"
# An XLSX is a zip: refuse one that says it unpacks to far more than any import needs.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
_PACK_VERSION = 1
# Encodings charset-normalizer may find, with the name people know them by.
ENCODING_NAMES = {
    "utf_8": "UTF-8",
    "utf_16": "UTF-16",
    "cp1252": "Windows-1252",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1257": "Windows-1257 (Baltic)",
    "latin_1": "ISO-8859-1 (Latin-1)",
    "iso8859_15": "ISO-8859-15 (Latin-9)",
    "mac_roman": "Mac OS Roman",
    "cp437": "DOS (code page 437)",
    "cp850": "DOS (code page 850)",
}
OTHER_ENCODINGS_SHOWN = 3


class ImportFileError(ValueError):
    """Raised when the file as a whole cannot be read; the message is fit to show the user."""


@dataclass
class Table:
    """The cells of an import's file: its header row, and each data row with its row number;
    for a CSV file, the encoding it was read with and the other likely ones."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    header_row: int = 1
    encoding: str | None = None
    other_encodings: list[str] = field(default_factory=list)


def too_many_rows(max_rows: int) -> str:
    """The message for a file of more than `max_rows` data rows."""
    return (
        f"This file has more than {max_rows:,} rows; split it into files of at most "
        f"{max_rows:,} rows and import each one."
    )


TOO_MANY_COLUMNS = (
    f"This file has more than {MAX_COLUMNS} columns; export only the columns the import needs."
)


def read_table(
    content: bytes, filename: str, *, max_rows: int = MAX_ROWS, encoding: str | None = None
) -> Table:
    """Read a CSV or XLSX file (told apart by the file name) into a Table; a CSV file with
    the given `encoding` (a Python codec name) when there is one, else the one detected.

    Raises ImportFileError if the file is empty, larger than 10 MB, not CSV or XLSX,
    unreadable, has more than `max_rows` data rows or MAX_COLUMNS columns, or no header row.
    """
    if not content:
        raise ImportFileError("The file is empty.")
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(TOO_LARGE)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_table(content, max_rows)
    if suffix in (".csv", ".txt"):
        encodings = likely_encodings(content)
        chosen = encoding or encodings[0]
        if chosen not in encodings:
            raise ImportFileError(f"This file cannot be read as {encoding_name(chosen)}.")
        table = _table(_csv_rows(decode_text(content, chosen)), max_rows)
        table.encoding = chosen
        table.other_encodings = [name for name in encodings if name != chosen]
        return table
    if suffix in (".xls", ".xlsm", ".ods", ".numbers"):
        raise ImportFileError(
            f"This is a {suffix} file. Save it from your spreadsheet as CSV or XLSX."
        )
    raise ImportFileError("Upload a CSV or XLSX file (the name must end in .csv or .xlsx).")


def _table(rows: Iterable[Iterable[Cell]], max_rows: int) -> Table:
    headers: list[str] | None = None
    header_row = 0
    data: list[tuple[int, list[Cell]]] = []
    blank_run = 0
    for number, row in enumerate(rows, start=1):
        cells = _trimmed(row)
        if not cells:
            blank_run += 1
            if blank_run >= BLANK_RUN:
                break
            continue
        blank_run = 0
        if len(cells) > MAX_COLUMNS:
            raise ImportFileError(TOO_MANY_COLUMNS)
        if headers is None:
            headers = [cell_text(c) for c in cells]
            header_row = number
        elif len(data) >= max_rows:
            raise ImportFileError(too_many_rows(max_rows))
        else:
            data.append((number, cells))
    if headers is None:
        raise ImportFileError("The file has no header row: it has no cells with text.")
    return Table(headers=headers, rows=data, header_row=header_row)


def _trimmed(row: Iterable[Cell]) -> list[Cell]:
    """The cells of a row without the blank ones at its end ([] for a blank row)."""
    cells = list(row)
    end = len(cells)
    while end and is_blank(cells[end - 1]):
        end -= 1
    del cells[end:]
    return cells


# CSV -------------------------------------------------------------------------------------


def likely_encodings(content: bytes) -> list[str]:
    """Return the encodings a CSV file's bytes are likely in (Python codec names), the
    likeliest first: UTF-16 alone for bytes with its byte order mark; UTF-8 first for
    valid UTF-8 (then Windows-1252, if the file is not plain ASCII); else those
    charset-normalizer finds, Windows-1252 for any that read the same, then UTF-8."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ["utf_16"]
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return ["utf_8"] if content.isascii() else ["utf_8", "cp1252"]
    from charset_normalizer import from_bytes

    matches = list(from_bytes(content))
    names = ["cp1252" if "cp1252" in m.could_be_from_charset else m.encoding for m in matches]
    # On the few accented letters of a list of names, code pages of other countries often
    # rank first (cp775 for "Zoë"); Windows-1252, what Excel writes in Britain, goes first
    # whenever it reads the file as cleanly (no more mess) as the best of them.
    windows = from_bytes(content, cp_isolation=["cp1252"]).best()
    if windows is not None and (not matches or windows.chaos <= matches[0].chaos):
        names.insert(0, "cp1252")
    found: list[str] = []
    for name in names:
        if name not in found and not name.startswith("utf"):
            found.append(name)
    found = found[: 1 + OTHER_ENCODINGS_SHOWN] or ["cp1252"]
    return [*found, "utf_8"]


def encoding_name(encoding: str) -> str:
    """The name people know an encoding by: "Windows-1252" for cp1252."""
    return ENCODING_NAMES.get(encoding, encoding.replace("_", "-").upper())


def decode_text(content: bytes, encoding: str | None = None) -> str:
    """Decode CSV bytes with `encoding` (a byte order mark dropped; a byte that is not of the
    encoding read as U+FFFD), or with the likeliest of `likely_encodings` when none is given."""
    encoding = encoding or likely_encodings(content)[0]
    if encoding == "utf_8":
        encoding = "utf-8-sig"
    return content.decode(encoding, errors="replace")


def _csv_rows(text: str) -> Iterator[list[Cell]]:
    if "\x00" in text:
        raise ImportFileError("This does not look like a CSV file. Save it as CSV or XLSX.")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    # Excel in some locales writes ; and its "Unicode text" export uses tabs.
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise ImportFileError(f"The CSV file could not be read ({error}).") from error


# XLSX ------------------------------------------------------------------------------------


def _xlsx_table(content: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise ImportFileError(DAMAGED)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The declared size is only a claim: without it, rows are never padded.
            sheet.reset_dimensions()
            return _table(sheet.iter_rows(values_only=True), max_rows)
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(DAMAGED) from error


# Keeping a table -------------------------------------------------------------------------


def pack_table(table: Table) -> bytes:
    """Return `table` as compressed bytes for `unpack_table`; every cell keeps its type.

    Raises ImportFileError when the table holds more than MAX_TABLE_BYTES of JSON."""
    rows = [[number, cells] for number, cells in table.rows]
    data = [
        _PACK_VERSION,
        table.headers,
        table.header_row,
        rows,
        table.encoding,
        table.other_encodings,
    ]
    text = json.dumps(data, default=pack_cell, separators=(",", ":")).encode()
    if len(text) > MAX_TABLE_BYTES:
        raise ImportFileError(TOO_MUCH_TEXT)
    return zlib.compress(text)


def unpack_table(packed: bytes) -> Table:
    """Return the Table that `pack_table` made `packed` from."""
    data = json.loads(zlib.decompress(packed), object_hook=unpack_cell)
    version, headers, header_row, rows, encoding, others = data
    if version != _PACK_VERSION:
        raise ValueError(f"A table packed in version {version} of the format")
    return Table(
        headers=headers,
        rows=[(number, cells) for number, cells in rows],
        header_row=header_row,
        encoding=encoding,
        other_encodings=others,
    )
