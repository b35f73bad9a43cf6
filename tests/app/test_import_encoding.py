"""A CSV file's encoding: UTF-8 whenever the bytes are valid UTF-8, else the likeliest found by
charset-normalizer (Windows-1252 for what Excel writes in Britain); the preview names it and
offers the other likely ones, and reading the stored file again keeps the new table."""

import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.imports.table import likely_encodings, read_table, unpack_table
from app.models import Role, Student, Upload
from tests.factories import make_school, make_user, upn_for

ROWS = [["UPN", "Forename", "Surname", "Year"], [upn_for(1), "Zoë", "Müller", "9"]]


def csv_text(rows=ROWS) -> str:
    return "".join(",".join(row) + "\r\n" for row in rows)


CP1252 = csv_text().encode("cp1252")
UTF8 = csv_text().encode("utf-8")


@pytest.fixture
def lead():
    return make_user(Role.LEAD, make_school("Northfield Academy"))


def upload(client, content: bytes) -> str:
    response = client.post(
        "/students/import",
        data={"roster": (io.BytesIO(content), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", page)


def test_a_windows_1252_file_is_named_and_read_right(client, auth, lead):
    auth.login(lead)
    location = upload(client, CP1252)
    page = text_of(client.get(location).get_data(as_text=True))
    assert "Read as Windows-1252." in page
    assert "Müller, Zoë" in page and "�" not in page
    assert '<label for="encoding">' in page and '<option value="utf_8">UTF-8</option>' in page
    assert client.post(location, data={"mode": "all"}).status_code == 303
    student = db.session.scalar(select(Student))
    assert (student.first_name, student.last_name) == ("Zoë", "Müller")


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no BOM", "BOM"])
def test_a_utf8_file_is_read_as_utf8_and_offers_windows_1252(client, auth, lead, bom):
    auth.login(lead)
    location = upload(client, bom + UTF8)
    page = text_of(client.get(location).get_data(as_text=True))
    assert "Read as UTF-8." in page and "Müller, Zoë" in page
    assert '<input type="hidden" name="encoding" value="cp1252">' in page
    assert "Read as Windows-1252 instead</button>" in page

    response = client.post(f"{location}/encoding", data={"encoding": "cp1252"})
    assert response.status_code == 303 and response.headers["Location"] == location
    page = text_of(client.get(location).get_data(as_text=True))
    assert "Read as Windows-1252." in page and "MÃ¼ller, ZoÃ«" in page
    kept = unpack_table(db.session.scalar(select(Upload.parsed_table)))
    assert (kept.encoding, kept.rows[0][1][1]) == ("cp1252", "ZoÃ«")

    client.post(f"{location}/encoding", data={"encoding": "utf_8"})
    page = text_of(client.get(location).get_data(as_text=True))
    assert "Read as UTF-8." in page and "Müller, Zoë" in page
    assert db.session.scalar(select(func.count(Student.id))) == 0


def test_a_mostly_utf8_file_with_one_stray_byte_can_be_read_as_utf8(client, auth, lead):
    auth.login(lead)
    content = UTF8 + f"{upn_for(2)},Bo,Kim,9\r\n".encode() + b"\xff\r\n"
    location = upload(client, content)
    page = text_of(client.get(location).get_data(as_text=True))
    assert "Müller" not in page and '<option value="utf_8">UTF-8</option>' in page
    client.post(f"{location}/encoding", data={"encoding": "utf_8"})
    page = text_of(client.get(location).get_data(as_text=True))
    assert "Read as UTF-8." in page and "Müller, Zoë" in page


@pytest.mark.parametrize("encoding", ["rot13", "base64", "utf_7", "", "x" * 5000])
def test_only_an_offered_encoding_is_read(client, auth, lead, encoding):
    auth.login(lead)
    location = upload(client, CP1252)
    response = client.post(f"{location}/encoding", data={"encoding": encoding})
    assert response.status_code == 303
    page = client.get(location).get_data(as_text=True)
    assert "This file cannot be read as" in page and "Müller, Zoë" in page
    assert unpack_table(db.session.scalar(select(Upload.parsed_table))).encoding == "cp1252"


def test_reading_again_needs_the_csrf_token_and_an_unapplied_upload(app, client, auth, lead):
    auth.login(lead)
    location = upload(client, UTF8)
    assert client.post(location, data={"mode": "all"}).status_code == 303
    response = client.post(f"{location}/encoding", data={"encoding": "cp1252"})
    assert "already been imported" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"{location}/encoding", data={"encoding": "cp1252"}).status_code == 400
    kept = unpack_table(db.session.scalar(select(Upload.parsed_table)))
    assert kept.encoding == "utf_8"


def test_an_ascii_file_offers_nothing_else(client, auth, lead):
    auth.login(lead)
    location = upload(client, csv_text([ROWS[0], [upn_for(1), "Ann", "Lee", "9"]]).encode())
    page = text_of(client.get(location).get_data(as_text=True))
    assert "<p>Read as UTF-8.</p>" in page and "/encoding" not in page


def test_an_xlsx_file_names_no_encoding(client, auth, lead):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in ROWS:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    auth.login(lead)
    response = client.post(
        "/students/import",
        data={"roster": (io.BytesIO(buffer.getvalue()), "roster.xlsx")},
        content_type="multipart/form-data",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Müller, Zoë" in page and "Read as" not in page


@pytest.mark.parametrize(
    ("content", "first", "offered", "forename"),
    [
        (UTF8, "utf_8", ["cp1252"], "Zoë"),
        (b"\xef\xbb\xbf" + UTF8, "utf_8", ["cp1252"], "Zoë"),
        (b"UPN,Name\r\nA1,Ann\r\n", "utf_8", [], "Ann"),
        (csv_text().encode("utf-16"), "utf_16", [], "Zoë"),
        (CP1252, "cp1252", ["utf_8"], "Zoë"),
        (csv_text([ROWS[0], ["A1", "Zoë", "O’Brien", "9"]]).encode("cp1252"), "cp1252", [], "Zoë"),
    ],
    ids=["UTF-8", "UTF-8 with BOM", "ASCII", "UTF-16", "Windows-1252", "Windows-1252 quote"],
)
def test_likely_encodings(content, first, offered, forename):
    encodings = likely_encodings(content)
    assert encodings[0] == first
    assert set(offered) <= set(encodings[1:])
    table = read_table(content, "r.csv")
    assert table.encoding == first and table.other_encodings == encodings[1:]
    assert table.rows[0][1][1] == forename


def test_the_command_names_the_encoding_and_takes_another(runner, tmp_path):
    make_school("Northfield Academy", urn="123456")
    db.session.commit()
    path = tmp_path / "roster.csv"
    path.write_bytes(CP1252)
    args = ["students", "import", str(path), "--school", "123456", "--dry-run"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Read as Windows-1252." in result.stderr
    result = runner.invoke(args=[*args, "--encoding", "utf_8"])
    assert result.exit_code == 0 and "Read as" not in result.stderr
    result = runner.invoke(args=[*args, "--encoding", "rot13"])
    assert result.exit_code == 1 and "cannot be read as ROT13" in result.output
