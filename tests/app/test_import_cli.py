"""`flask students import FILE --school URN [--dry-run] [--valid-only]`."""

import csv

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Group, Student
from tests.factories import make_school, make_student, upn_for

HEADER = ["UPN", "Forename", "Surname", "Year", "Maths Set"]


@pytest.fixture
def school():
    school = make_school("Northfield Academy", urn="123456")
    db.session.commit()
    return school


def write_csv(tmp_path, rows, name="roster.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return str(path)


def run(runner, *args):
    return runner.invoke(args=["students", "import", *args])


def students() -> int:
    return db.session.scalar(select(func.count(Student.id)))


GOOD = [
    HEADER + ["Tutor"],
    [upn_for(1), "Ann", "Lee", "8", "8X1", "8T"],
    [upn_for(2), "Bo", "Kim", "Y8", "8X1", "8T"],
    [upn_for(3), "Cy", "Day", "Year 9", "", "9T"],
]
BAD = [
    HEADER,
    [upn_for(1), "Ann", "Lee", "8", "8X1"],
    [upn_for(2), "Bo", "", "Y15", ""],
    ["X1", "Cy", "Day", "9", ""],
]


def test_import_prints_the_summary_and_writes(runner, tmp_path, school):
    result = run(runner, write_csv(tmp_path, GOOD), "--school", "123456")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Ignored columns: Tutor\n3 new, 0 updated, 0 unchanged; groups created: 8X1\n"
    )
    assert students() == 3
    group = db.session.scalar(select(Group))
    assert {s.upn for s in group.students} == {upn_for(1), upn_for(2)}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "student.create"))
    assert event.actor_label == "command line"


def test_reimport_updates_and_never_duplicates(runner, tmp_path, school):
    make_student(school, year_group=8, upn=upn_for(1), first_name="Annie", last_name="Lee")
    db.session.commit()
    path = write_csv(tmp_path, GOOD)
    assert run(runner, path, "--school", "123456").stdout.endswith(
        "2 new, 1 updated, 0 unchanged; groups created: 8X1\n"
    )
    assert run(runner, path, "--school", "123456").stdout.endswith(
        "0 new, 0 updated, 3 unchanged\n"
    )
    assert students() == 3
    assert db.session.scalar(select(Student.first_name).where(Student.upn == upn_for(1))) == "Ann"


def test_problems_are_printed_by_row_and_column_and_nothing_is_written(runner, tmp_path, school):
    result = run(runner, write_csv(tmp_path, BAD), "--school", "123456")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "row 3, column Surname: This cell is empty; a value is required",
        "row 3, column Year: Unknown year group 'Y15': the year must be from 7 to 13",
        "row 4, column UPN: UPN must be 13 characters, not 2",
        "Nothing was imported: 2 rows have problems. "
        "Fix them, or use --valid-only to import the valid rows.",
    ]
    assert result.stdout == ""
    assert students() == 0
    assert db.session.scalar(select(func.count(Group.id))) == 0


def test_valid_only_imports_the_valid_rows_and_prints_problems_and_summary(
    runner, tmp_path, school
):
    result = run(runner, write_csv(tmp_path, BAD), "--school", "123456", "--valid-only")
    assert result.exit_code == 0
    assert "row 4, column UPN: UPN must be 13 characters, not 2" in result.stderr
    assert result.stdout == (
        "1 new, 0 updated, 0 unchanged; groups created: 8X1; 2 rows with problems skipped\n"
    )
    assert list(db.session.scalars(select(Student.upn))) == [upn_for(1)]


def test_valid_only_with_no_valid_row_fails(runner, tmp_path, school):
    result = run(
        runner,
        write_csv(tmp_path, [HEADER, ["X1", "Cy", "Day", "9", ""]]),
        "--school",
        "123456",
        "--valid-only",
    )
    assert result.exit_code == 1
    assert "no row is valid" in result.stderr
    assert students() == 0


def test_dry_run_writes_nothing(runner, tmp_path, school):
    result = run(runner, write_csv(tmp_path, GOOD), "--school", "123456", "--dry-run")
    assert result.exit_code == 0
    assert "Dry run, nothing was written. Would import: 3 new, 0 updated, 0 unchanged; " in (
        result.stdout
    )
    assert "groups created: 8X1" in result.stdout
    assert students() == 0
    assert db.session.scalar(select(func.count(Group.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_dry_run_with_problems_fails_and_writes_nothing(runner, tmp_path, school):
    result = run(runner, write_csv(tmp_path, BAD), "--school", "123456", "--dry-run")
    assert result.exit_code == 1
    assert "row 3, column Surname:" in result.stderr
    assert "Dry run: would import nothing: 2 rows have problems." in result.stderr
    valid = run(runner, write_csv(tmp_path, BAD), "--school", "123456", "--dry-run", "--valid-only")
    assert valid.exit_code == 0
    assert "Would import: 1 new" in valid.stdout
    assert students() == 0


def test_missing_columns_are_reported_on_row_1(runner, tmp_path, school):
    result = run(
        runner, write_csv(tmp_path, [["UPN", "Surname"], [upn_for(1), "Lee"]]), "--school", "123456"
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "row 1, column First name: Required column is missing "
        "(headers accepted: Forename, First Name, Legal Forename)",
        "row 1, column Year: Required column is missing "
        "(headers accepted: Year, Year Group, NC Year)",
    ]
    assert "required columns are missing" in result.stderr


def test_cp1252_file(runner, tmp_path, school):
    path = tmp_path / "roster.csv"
    path.write_bytes(f"UPN,Forename,Surname,Year\r\n{upn_for(1)},Zoë,Lee,9\r\n".encode("cp1252"))
    assert run(runner, str(path), "--school", "123456").exit_code == 0
    assert db.session.scalar(select(Student.first_name)) == "Zoë"


def test_unknown_school_and_unreadable_file(runner, tmp_path, school):
    result = run(runner, write_csv(tmp_path, GOOD), "--school", "999999")
    assert result.exit_code == 1 and "No school has URN 999999" in result.output
    bad = tmp_path / "roster.xlsx"
    bad.write_bytes(b"not a workbook")
    result = run(runner, str(bad), "--school", "123456")
    assert result.exit_code == 1 and "too large or damaged to read" in result.output


def test_help_documents_options_and_exit_status(runner):
    result = runner.invoke(args=["students", "import", "--help"])
    assert result.exit_code == 0
    for words in ("--school", "--dry-run", "--valid-only", "Exit status", "row N, column C"):
        assert words in result.output
