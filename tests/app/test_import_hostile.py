"""Hostile spreadsheets cost one refused upload, never the worker: a file is read once, in a
child process with limits, rows streamed, capped at MAX_IMPORT_ROWS rows and 200 columns;
the table is kept with the upload and the confirmation never reads the file again.

The files are built here, streamed into the zip so that building them costs the test process
no memory: its peak resident memory is what the tests watch."""

import io
import logging
import re
import resource
import signal
import time
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from datetime import time as clock
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from app.extensions import db
from app.imports import reader
from app.imports.table import (
    DAMAGED,
    MAX_COLUMNS,
    ImportFileError,
    Table,
    pack_table,
    read_table,
    unpack_table,
)
from app.models import Role, Student, Upload
from tests.factories import make_school, make_user, upn_for

HEADER = ["UPN", "Forename", "Surname", "Year"]
SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024
ROWS_CAP = "This file has more than 20,000 rows; split it into files of at most 20,000 rows"
COLUMNS_CAP = f"This file has more than {MAX_COLUMNS} columns"


def row_xml(number: int, cells: list) -> bytes:
    """One <row> of a sheet: text as inline strings, numbers as values."""
    parts = []
    for column, value in enumerate(cells, start=1):
        ref = f"{get_column_letter(column)}{number}"
        if isinstance(value, str):
            parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        else:
            parts.append(f'<c r="{ref}"><v>{value}</v></c>')
    return f'<row r="{number}">{"".join(parts)}</row>'.encode()


def xlsx_streamed(rows: Iterable[bytes], dimension: str | None = None) -> bytes:
    """An XLSX file whose first sheet holds `rows` (<row> elements, written as they come),
    declaring `dimension` as its size when given."""
    workbook = Workbook()
    workbook.active.append(["x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    base = zipfile.ZipFile(buffer)
    sheet = base.read(SHEET).decode()
    head, rest = sheet.split("<sheetData>", 1)
    tail = rest.split("</sheetData>", 1)[1]
    if dimension:
        head = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', head)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            if info.filename != SHEET:
                archive.writestr(info.filename, base.read(info.filename))
        with archive.open(SHEET, "w", force_zip64=True) as stream:
            stream.write(head.encode() + b"<sheetData>")
            for chunk in rows:
                stream.write(chunk)
            stream.write(b"</sheetData>" + tail.encode())
    return out.getvalue()


def student_rows(count: int, start: int = 2) -> Iterator[bytes]:
    yield row_xml(1, HEADER)
    for n in range(count):
        yield row_xml(start + n, [upn_for(n + 1), f"First{n}", f"Last{n}", 9])


def declared_huge_xlsx() -> bytes:
    """A sheet that says it is A1:XFD1048576 (16,384 columns, a million rows) and holds
    three real rows: read as its rows, never padded to its claim."""
    return xlsx_streamed(student_rows(2), dimension="A1:XFD1048576")


def one_cell_bomb_xlsx(megabytes: int = 180) -> bytes:
    """A zip bomb: a few hundred kB that unpack to one cell of `megabytes` MB of text."""

    def rows():
        yield row_xml(1, HEADER)
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        for _ in range(megabytes):
            yield b"a" * MB
        yield b"</t></is></c></row>"

    return xlsx_streamed(rows())


def many_rows_bomb_xlsx(megabytes: int = 180) -> bytes:
    """A zip bomb: a few hundred kB that unpack to millions of identical rows."""
    row = b'<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>'

    def rows():
        yield row_xml(1, HEADER)
        block = row * (MB // len(row))
        for _ in range(megabytes):
            yield block

    return xlsx_streamed(rows())


def tall_xlsx(rows: int = 30_000) -> bytes:
    return xlsx_streamed(student_rows(rows))


def wide_xlsx(columns: int = 300) -> bytes:
    header = HEADER + [f"Extra {n}" for n in range(columns - len(HEADER))]
    cells = [upn_for(1), "Ann", "Lee", 9] + [n for n in range(columns - len(HEADER))]
    return xlsx_streamed([row_xml(1, header), row_xml(2, cells)])


@pytest.fixture
def lead():
    return make_user(Role.LEAD, make_school("Northfield Academy"))


def upload(client, content: bytes, filename: str = "roster.xlsx"):
    return client.post(
        "/students/import",
        data={"roster": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def nothing_stored() -> bool:
    uploads = db.session.scalar(select(func.count(Upload.id)))
    students = db.session.scalar(select(func.count(Student.id)))
    return uploads == 0 and students == 0


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (one_cell_bomb_xlsx, DAMAGED),
        (many_rows_bomb_xlsx, ROWS_CAP),
        (tall_xlsx, ROWS_CAP),
        (wide_xlsx, COLUMNS_CAP),
    ],
    ids=["one-cell zip bomb", "many-rows zip bomb", "30,000 rows", "300 columns"],
)
def test_a_hostile_file_is_refused_and_the_worker_stays_small(client, auth, lead, build, message):
    content = build()
    auth.login(lead)
    before = peak_rss_kb()
    started = time.perf_counter()
    response = upload(client, content)
    elapsed = time.perf_counter() - started
    grown_mb = (peak_rss_kb() - before) / 1024
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert nothing_stored()
    assert grown_mb < 100, f"the worker grew by {grown_mb:.0f} MB"
    assert elapsed < 60


def test_a_sheet_declaring_a_million_rows_is_read_as_its_real_rows(client, auth, lead):
    content = declared_huge_xlsx()
    assert len(content) < 10_000
    auth.login(lead)
    before = peak_rss_kb()
    location = upload(client, content).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert (peak_rss_kb() - before) / 1024 < 100
    assert "<dt>New students</dt><dd>2</dd>" in page
    assert db.session.scalar(select(func.count(Student.id))) == 0
    assert client.post(location, data={"mode": "all"}).status_code == 303
    assert db.session.scalar(select(func.count(Student.id))) == 2


def test_max_import_rows_comes_from_the_app_config(app, client, auth, lead):
    app.config["MAX_IMPORT_ROWS"] = 3
    auth.login(lead)
    assert "up to 3 rows and 200 columns" in client.get("/students/import").get_data(as_text=True)
    refused = upload(client, xlsx_streamed(student_rows(4)))
    assert "This file has more than 3 rows; split it" in refused.get_data(as_text=True)
    assert nothing_stored()
    assert upload(client, xlsx_streamed(student_rows(3))).status_code == 303


def test_trailing_empty_cells_and_a_run_of_blank_rows_are_not_read():
    rows = [row_xml(1, HEADER + [""] * 500), row_xml(2, [upn_for(1), "Ann", "Lee", 9])]
    rows.append(b'<row r="3"><c r="XFD3"/></row>')
    rows.append(row_xml(1200, [upn_for(2), "Bo", "Kim", 9]))  # after 1,196 blank rows
    table = read_table(xlsx_streamed(rows), "roster.xlsx")
    assert table.headers == HEADER
    assert table.rows == [(2, [upn_for(1), "Ann", "Lee", 9])]
    shorter_gap = [*rows[:3], row_xml(900, [upn_for(2), "Bo", "Kim", 9])]
    assert read_table(xlsx_streamed(shorter_gap), "roster.xlsx").rows[-1][0] == 900


def test_the_confirmation_uses_the_table_kept_with_the_upload(client, auth, lead):
    auth.login(lead)
    content = xlsx_streamed(student_rows(2))
    location = upload(client, content).headers["Location"]
    stored = db.session.scalar(select(Upload))
    assert unpack_table(stored.parsed_table).rows[0][1][:3] == [upn_for(1), "First0", "Last0"]
    # Were the file read again, this would be "too large or damaged".
    stored.content = b"PK\x03\x04 not a zip any more"
    db.session.commit()
    assert "<dt>New students</dt><dd>2</dd>" in client.get(location).get_data(as_text=True)
    assert client.post(location, data={"mode": "all"}).status_code == 303
    names = db.session.scalars(select(Student.first_name).order_by(Student.first_name))
    assert list(names) == ["First0", "First1"]


def test_an_upload_stored_before_tables_were_kept_is_read_at_its_preview(client, auth, lead):
    auth.login(lead)
    location = upload(client, xlsx_streamed(student_rows(1))).headers["Location"]
    db.session.scalar(select(Upload)).parsed_table = None
    db.session.commit()
    assert "<dt>New students</dt><dd>1</dd>" in client.get(location).get_data(as_text=True)
    assert client.post(location, data={"mode": "all"}).status_code == 303
    assert db.session.scalar(select(func.count(Student.id))) == 1


def test_every_kind_of_cell_comes_back_from_the_kept_table_unchanged():
    cells = [
        "Zoë 李小龍 <b>&amp;",
        "",
        7,
        7.0,
        2.5,
        10**20,
        True,
        False,
        None,
        date(2012, 3, 14),
        datetime(2012, 3, 14, 9, 30, 5, 12),
        clock(9, 30),
        timedelta(days=1, seconds=5400),
        '{"date": "2012-03-14"}',
    ]
    table = Table(headers=["A", "B"], rows=[(2, cells), (5, ["x"])], header_row=1)
    table.encoding, table.other_encodings = "cp1252", ["utf_8"]
    back = unpack_table(pack_table(table))
    assert back == table
    assert [type(c) for c in back.rows[0][1]] == [type(c) for c in cells]


def test_an_xlsx_upload_keeps_dates_and_numbers(client, auth, lead):
    workbook = Workbook()
    workbook.active.append(["UPN", "Forename", "Surname", "Year", "DOB", "KS2 Maths"])
    workbook.active.append([upn_for(1), "Ann", "Lee", 8, datetime(2012, 3, 14), 104])
    buffer = io.BytesIO()
    workbook.save(buffer)
    auth.login(lead)
    location = upload(client, buffer.getvalue()).headers["Location"]
    kept = unpack_table(db.session.scalar(select(Upload.parsed_table)))
    assert kept.rows == [(2, [upn_for(1), "Ann", "Lee", 8, datetime(2012, 3, 14), 104])]
    assert client.post(location, data={"mode": "all"}).status_code == 303
    student = db.session.scalar(select(Student))
    assert (student.date_of_birth, student.ks2_maths) == (date(2012, 3, 14), 104)


def test_a_child_over_its_cpu_time_is_stopped(caplog):
    content = many_rows_bomb_xlsx(60)
    caplog.set_level(logging.INFO, logger=reader.__name__)
    with pytest.raises(ImportFileError, match=f"^{DAMAGED}$"):
        reader.read_isolated(content, "r.xlsx", max_rows=10**8, limits=reader.Limits(cpu_seconds=1))
    assert caplog.records[-1].exitcode == -signal.SIGXCPU


def test_a_child_over_its_time_is_killed(caplog):
    content = many_rows_bomb_xlsx(60)
    caplog.set_level(logging.INFO, logger=reader.__name__)
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match=f"^{DAMAGED}$"):
        reader.read_isolated(
            content, "r.xlsx", max_rows=10**8, limits=reader.Limits(wall_seconds=0.5)
        )
    assert time.perf_counter() - started < 5
    assert caplog.records[-1].exitcode == -signal.SIGKILL


def test_a_child_over_its_memory_is_stopped_and_the_next_file_reads(caplog):
    caplog.set_level(logging.INFO, logger=reader.__name__)
    limits = reader.Limits(memory_bytes=256 * MB)
    with pytest.raises(ImportFileError, match=f"^{DAMAGED}$"):
        reader.read_isolated(one_cell_bomb_xlsx(60), "r.xlsx", limits=limits)
    assert 0 < caplog.records[-1].child_peak_kb < 256 * 1024
    small = reader.read_isolated(xlsx_streamed(student_rows(1)), "r.xlsx")
    assert unpack_table(small.packed).headers == HEADER
