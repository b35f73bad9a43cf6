"""The grades import: the pure parser, the web upload/preview/confirm, and `flask grades import`."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from app.imports.cells import CellError
from app.imports.columns import RowError
from app.imports.table import Table, read_table
from app.models import AuditEvent, Role, Upload
from tests.factories import make_school, make_student, make_user, upn_for
from tracking import services
from tracking.models import GradeRecord
from tracking.results.grades_import import GradeRow, parse_kind, parse_qualification, validate
from tracking.results.services import GRADES

TODAY = date(2026, 9, 1)
HEADER = "UPN,Qualification,Kind,Grade,Tier,Date"


def table(*lines: str) -> Table:
    return read_table("\n".join(lines).encode(), "grades.csv")


def grade_rows() -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        select(
            GradeRecord.student_id,
            GradeRecord.qualification,
            GradeRecord.kind,
            GradeRecord.grade,
            GradeRecord.tier,
            GradeRecord.recorded_on,
            GradeRecord.source,
        ).order_by(GradeRecord.id)
    ).all()


# Pure parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("GCSE Maths", "gcse_maths"),
        ("gcse_maths", "gcse_maths"),
        ("A level Maths", "a_level_maths"),
        ("A-level Further Maths", "a_level_further_maths"),
        ("AS Maths", "as_maths"),
        ("AS Further Maths", "as_further_maths"),
        ("Core Maths", "core_maths"),
        ("Level 2 Further Maths", "l2_further_maths"),
        ("AQA Level 2 Further Maths", "l2_further_maths"),
        ("KS3 Maths", "ks3_maths"),
        ("  ks3_MATHS ", "ks3_maths"),
    ],
)
def test_qualification_names_and_keys(text, key):
    assert parse_qualification(text) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("target", "target"),
        ("Working at", "working_at"),
        ("working-at", "working_at"),
        ("WORKING_AT", "working_at"),
        ("Predicted", "predicted"),
        ("mock", "mock"),
        ("Final", "final"),
    ],
)
def test_kind_names_and_keys(text, key):
    assert parse_kind(text) == key


def test_unknown_qualification_and_kind_say_what_is_allowed():
    with pytest.raises(CellError, match="Unknown qualification 'Maths': use one of GCSE Maths"):
        parse_qualification("Maths")
    with pytest.raises(CellError, match="Unknown kind 'guess': use target, working at"):
        parse_kind("guess")


def test_validate_reads_headers_like_the_roster_and_both_date_formats():
    ada, ben = upn_for(1), upn_for(2)
    result = validate(
        table(
            "upn , QUALIFICATION,grade type, Grade ,tier,Date_Recorded,Notes",
            f"{ada},GCSE Maths,Final,7,Higher,20/08/2026,x",
            f" {ben.lower()} ,A level Maths,predicted, a* ,,2026-03-01,",
            f"{ada},KS3 Maths,working at,5,,,",
        ),
        {ada: 1, ben: 2},
        TODAY,
    )
    assert result.errors == []
    assert result.ignored_columns == ["Notes"]
    assert result.records == [
        GradeRow(2, ada, 1, "gcse_maths", "final", "7", "higher", date(2026, 8, 20)),
        GradeRow(3, ben, 2, "a_level_maths", "predicted", "A*", None, date(2026, 3, 1)),
        GradeRow(4, ada, 1, "ks3_maths", "working_at", "5", None, TODAY),
    ]


def test_validate_reports_every_problem_by_row_and_column():
    result = validate(
        table(
            HEADER,
            "A123456789012,GCSE Maths,Final,6,Foundation,20/08/2026",  # off the tier's scale
            f"{upn_for(999)},GCSE Maths,Target,7,,",  # no such student here
            "A123456789012,Maths,Target,7,,",  # unknown qualification
            "A123456789012,GCSE Maths,Mock,7,,",  # tier required for a mock
            "A123456789012,AS Maths,Final,A*,,",  # off the AS scale
            "A123456789012,AS Maths,Final,B,Higher,",  # tier not for AS
            "A123456789012,GCSE Maths,Target,7,,31/02/2026",  # not a date
            "A123456789012,GCSE Maths,Target,7,,2026-09-02",  # in the future
            "A123456789012,GCSE Maths,guess,,,",  # unknown kind and empty grade
            ",GCSE Maths,Target,7,,",  # empty UPN
            "A12345678901F,GCSE Maths,Target,7,,",  # a typo in the UPN
        ),
        {"A123456789012": 1},
        TODAY,
    )
    assert result.records == []
    assert [str(e) for e in result.errors] == [
        "row 2, column Grade: Grade 6 is not on the foundation tier (5-1, U)",
        "row 3, column UPN: No student with this UPN in this school",
        "row 4, column Qualification: Unknown qualification 'Maths': use one of GCSE Maths, "
        "Level 2 Further Maths, AS Maths, AS Further Maths, A-level Maths, "
        "A-level Further Maths, Core Maths, KS3 maths, OCR Level 3 FSMQ Additional Maths, "
        "GCSE Statistics",
        "row 5, column Tier: Choose the tier (foundation or higher) for a mock GCSE Maths grade",
        "row 6, column Grade: A* is not an AS Maths grade (A-E, U)",
        "row 7, column Tier: A tier applies only to GCSE Maths and GCSE Statistics, not to AS "
        "Maths",
        "row 8, column Date: 31/02/2026 is not a real date",
        "row 9, column Date: The date 02/09/2026 is in the future",
        "row 10, column Kind: Unknown kind 'guess': "
        "use target, working at, predicted, mock or final",
        "row 10, column Grade: This cell is empty; a value is required",
        "row 11, column UPN: This cell is empty; a value is required",
        "row 12, column UPN: UPN check letter is wrong (expected T)",
    ]
    assert result.error_rows == set(range(2, 13))


def test_missing_required_columns_are_reported_on_the_header_row():
    result = validate(table("UPN,Grade,Date", "A123456789012,7,"), {"A123456789012": 1}, TODAY)
    assert result.records == []
    assert result.errors == [
        RowError(
            1,
            "Qualification",
            "Required column is missing (headers accepted: Qualification, Qual, Subject)",
        ),
        RowError(
            1, "Kind", "Required column is missing (headers accepted: Kind, Grade Type, Type)"
        ),
    ]
    assert result.missing_columns == ["Qualification", "Kind"]


def test_duplicate_rows_count_once():
    result = validate(
        table(
            HEADER,
            "A123456789012,GCSE Maths,Target,7,,01/09/2026",
            "A123456789012,GCSE Maths,Target,7,,2026-09-01",
            "A123456789012,GCSE Maths,Target,7,,2026-08-01",
        ),
        {"A123456789012": 1},
        TODAY,
    )
    assert result.errors == []
    assert [r.row for r in result.records] == [2, 4]


def test_conflicting_rows_are_each_a_problem_so_valid_only_never_picks_one():
    result = validate(
        table(
            HEADER,
            "A123456789012,GCSE Maths,Target,7,,01/09/2026",
            "A123456789012,GCSE Maths,Target,7,,2026-09-01",
            "A123456789012,GCSE Maths,Target,8,,2026-09-01",
            "A123456789012,GCSE Maths,Mock,5,Higher,2026-09-01",
        ),
        {"A123456789012": 1},
        TODAY,
    )
    assert [r.row for r in result.records] == [5]
    assert [str(e) for e in result.errors] == [
        "row 2, column Grade: Row 4 gives this student a different target grade for the same date",
        "row 3, column Grade: Row 4 gives this student a different target grade for the same date",
        "row 4, column Grade: Rows 2, 3 give this student a different target grade for the same "
        "date",
    ]


def test_xlsx_cells_numbers_and_dates():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["UPN", "Qualification", "Kind", "Grade", "Tier", "Date"])
    sheet.append(["A123456789012", "GCSE Maths", "Final", 9, "higher", datetime(2026, 8, 20)])
    sheet.append(["A123456789012", "Level 2 Further Maths", "Final", 7.0, None, None])
    sheet.append(["A123456789012", "KS3 Maths", "Target", 6, None, 46000])  # an unformatted date
    sheet.append(["A123456789012", "KS3 Maths", "Mock", 6, None, 2026])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = validate(read_table(buffer.getvalue(), "g.xlsx"), {"A123456789012": 5}, TODAY)
    assert [(r.grade, r.recorded_on) for r in result.records] == [
        ("9", date(2026, 8, 20)),
        ("7", TODAY),
        ("6", date(2025, 12, 9)),
    ]
    assert [str(e) for e in result.errors] == [
        "row 5, column Date: Date must be dd/mm/yyyy or yyyy-mm-dd, not '2026'"
    ]


# The web pages -----------------------------------------------------------------------------


@pytest.fixture
def import_school(app):
    """(school, lead, ada, ben, stranger): two students of the lead's school, one elsewhere."""
    school = make_school(urn="123456")
    lead = make_user(Role.LEAD, school)
    ada = make_student(school, year_group=11, first_name="Ada")
    ben = make_student(school, year_group=11, first_name="Ben")
    stranger = make_student(make_school(), year_group=11)
    db.session.commit()
    return school, lead, ada, ben, stranger


def good_file(ada, ben) -> bytes:
    return "\n".join(
        [
            "UPN,Qualification,Kind,Grade,Tier,Date",
            f"{ada.upn},GCSE Maths,Final,8,Higher,20/08/2026",
            f"{ben.upn},A-level Maths,Predicted,B,,2026-03-01",
            f"{ben.upn},GCSE Maths,working at,5,,01/03/2026",
        ]
    ).encode()


def upload(client, content: bytes, name: str = "grades.csv"):
    return client.post(
        "/results/import",
        data={"grades": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_upload_preview_and_confirm(client, auth, import_school):
    _school, lead, ada, ben, _stranger = import_school
    services.record_grade(lead, ben, "gcse_maths", "working_at", "5", None, date(2026, 3, 1))
    db.session.commit()
    auth.login(lead)
    assert "Import grades" in client.get("/results/import").get_data(as_text=True)
    response = upload(client, good_file(ada, ben))
    assert response.status_code == 303
    location = response.headers["Location"]
    stored = db.session.scalar(select(Upload))
    assert (stored.purpose, stored.user_id, stored.filename) == ("grades", lead.id, "grades.csv")

    page = client.get(location).get_data(as_text=True)
    assert "<dt>Grades to add</dt><dd>2</dd>" in page
    assert "<dt>Already recorded (skipped)</dt><dd>1</dd>" in page
    assert "A-level Maths" in page and "Import 2 grades" in page
    assert f'<form method="post" action="{location}">' in page
    assert len(grade_rows()) == 1  # nothing written by the preview

    response = client.post(location, data={"mode": "all"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import done: 2 grades added, 1 unchanged (already recorded)." in page
    rows = grade_rows()
    assert rows[1:] == [
        (ada.id, "gcse_maths", "final", "8", "higher", date(2026, 8, 20), "imported"),
        (ben.id, "a_level_maths", "predicted", "B", None, date(2026, 3, 1), "imported"),
    ]
    audited = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_id == lead.id)
    )
    assert audited == 3
    # Confirming the same upload again writes nothing more.
    again = client.post(location, data={"mode": "all"})
    assert again.status_code == 303
    assert "already been imported" in client.get(location).get_data(as_text=True)
    assert len(grade_rows()) == 3


def test_a_problem_blocks_the_import_unless_only_the_valid_rows_are_chosen(
    client, auth, import_school
):
    _school, lead, ada, ben, stranger = import_school
    auth.login(lead)
    content = good_file(ada, ben) + f"\n{stranger.upn},GCSE Maths,Target,7,,".encode()
    location = upload(client, content).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "1 problem found" in page
    assert '<td class="num">5</td><td>UPN</td><td>No student with this UPN in this school' in page
    assert "Nothing will be saved unless you fix the file" in page
    assert "<dt>Grades to add</dt><dd>3</dd>" in page
    assert "<dt>Rows with problems</dt><dd>1</dd>" in page
    assert "Import 3 grades" not in page
    assert "Import only the 3 valid rows" in page

    response = client.post(location, data={"mode": "all"})
    assert response.status_code == 303
    assert "Nothing was imported: the file has problems" in client.get(location).get_data(
        as_text=True
    )
    assert grade_rows() == []
    assert db.session.scalar(select(Upload.applied_at)) is None

    response = client.post(location, data={"mode": "valid"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import done: 3 grades added; 1 row with problems skipped." in page
    assert {(r.student_id, r.kind) for r in grade_rows()} == {
        (ada.id, "final"),
        (ben.id, "predicted"),
        (ben.id, "working_at"),
    }


def test_a_file_with_no_valid_row_offers_no_import(client, auth, import_school):
    _school, lead, _ada, _ben, stranger = import_school
    auth.login(lead)
    location = upload(client, f"{HEADER}\n{stranger.upn},GCSE Maths,Target,7,,".encode())
    page = client.get(location.headers["Location"]).get_data(as_text=True)
    assert "No row can be imported" in page and "Import only" not in page
    client.post(location.headers["Location"], data={"mode": "valid"})
    assert grade_rows() == []


def test_confirm_needs_a_known_mode(client, auth, import_school):
    _school, lead, ada, ben, _stranger = import_school
    auth.login(lead)
    location = upload(client, good_file(ada, ben)).headers["Location"]
    assert client.post(location).status_code == 400
    assert client.post(location, data={"mode": "everything"}).status_code == 400
    assert grade_rows() == []


def test_a_date_that_does_not_exist_is_named_on_the_preview(client, auth, import_school):
    _school, lead, ada, _ben, _stranger = import_school
    auth.login(lead)
    content = f"{HEADER}\n{ada.upn},GCSE Maths,Target,7,,29/02/2026".encode()
    page = client.get(upload(client, content).headers["Location"]).get_data(as_text=True)
    assert "<td>Date</td><td>29/02/2026 is not a real date</td>" in page


def test_unreadable_file_is_refused_at_upload(client, auth, import_school):
    _school, lead, _ada, _ben, _stranger = import_school
    auth.login(lead)
    response = upload(client, b"x", "grades.xls")
    assert response.status_code == 200
    assert (
        "This is a .xls file. Save it from your spreadsheet as CSV or XLSX."
        in response.get_data(as_text=True)
    )
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0


def test_a_file_over_10_mb_gets_a_message_on_the_upload_page(client, auth, import_school):
    auth.login(import_school[1])
    response = upload(client, b"x" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "larger than 10 MB" in page and '<label for="grades">' in page
    # Other pages of results day keep the app's own page for a request that is too large.
    other = client.post("/results/cell", data={"student": "x" * (10 * 1024 * 1024 + 1)})
    assert other.status_code == 413
    assert "File too large" in other.get_data(as_text=True)
    assert '<label for="grades">' not in other.get_data(as_text=True)


def test_another_users_upload_is_404(client, auth, import_school):
    school, lead, ada, ben, _stranger = import_school
    auth.login(lead)
    location = upload(client, good_file(ada, ben)).headers["Location"]
    auth.logout()
    auth.login(make_user(Role.TEACHER, school))
    assert client.get(location).status_code == 404
    assert client.post(location, data={"mode": "all"}).status_code == 404
    assert grade_rows() == []


@pytest.mark.parametrize(
    ("role", "status"), [(Role.TEACHER, 200), (Role.ADMIN, 200), (Role.EVALUATOR, 403)]
)
def test_who_may_import(client, auth, import_school, role, status):
    school = import_school[0]
    auth.login(make_user(role, school if role == Role.TEACHER else None))
    assert client.get("/results/import").status_code == status


# The command line --------------------------------------------------------------------------


def write(tmp_path, content: bytes, name: str = "grades.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_cli_imports_and_prints_a_summary(runner, import_school, tmp_path):
    _school, _lead, ada, ben, _stranger = import_school
    path = write(tmp_path, good_file(ada, ben))
    result = runner.invoke(args=["grades", "import", path, "--school", "123456"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "3 grades added"
    rows = grade_rows()
    assert len(rows) == 3 and {r.source for r in rows} == {"imported"}
    events = db.session.scalars(select(AuditEvent)).all()
    assert len(events) == 3 and {e.actor_label for e in events} == {"command line"}
    again = runner.invoke(args=["grades", "import", path, "--school", "123456"])
    assert again.stdout.strip() == "0 grades added, 3 unchanged (already recorded)"
    assert len(grade_rows()) == 3


def test_cli_dry_run_writes_nothing(runner, import_school, tmp_path):
    _school, _lead, ada, ben, _stranger = import_school
    path = write(tmp_path, good_file(ada, ben))
    result = runner.invoke(args=["grades", "import", path, "--school", "123456", "--dry-run"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "Dry run, nothing was written. Would import: 3 grades added"
    assert grade_rows() == []


@pytest.mark.parametrize(
    ("options", "nothing"),
    [([], "Nothing was imported"), (["--dry-run"], "Dry run: would import nothing")],
)
def test_cli_prints_each_problem_and_exits_1(runner, import_school, tmp_path, options, nothing):
    _school, _lead, ada, ben, stranger = import_school
    content = good_file(ada, ben) + f"\n{stranger.upn},GCSE Maths,Target,10,,".encode()
    path = write(tmp_path, content)
    result = runner.invoke(args=["grades", "import", path, "--school", "123456", *options])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "row 5, column UPN: No student with this UPN in this school",
        "row 5, column Grade: Grade 10 is not a GCSE Maths grade (9-1, U)",
        f"{nothing}: 1 row has problems. Fix them, or use --valid-only to import the valid rows.",
    ]
    assert result.stdout == ""
    assert grade_rows() == []


def test_cli_valid_only_imports_the_valid_rows(runner, import_school, tmp_path):
    _school, _lead, ada, ben, stranger = import_school
    content = good_file(ada, ben) + f"\n{stranger.upn},GCSE Maths,Target,7,,".encode()
    path = write(tmp_path, content)
    args = ["grades", "import", path, "--school", "123456", "--valid-only"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0
    assert dry.stdout.strip() == (
        "Dry run, nothing was written. Would import: 3 grades added; 1 row with problems skipped"
    )
    assert grade_rows() == []
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "row 5, column UPN: No student with this UPN in this school"
    ]
    assert result.stdout.strip() == "3 grades added; 1 row with problems skipped"
    assert len(grade_rows()) == 3


def test_cli_valid_only_with_no_valid_row_fails(runner, import_school, tmp_path):
    stranger = import_school[4]
    path = write(tmp_path, f"{HEADER}\n{stranger.upn},GCSE Maths,Target,7,,".encode())
    result = runner.invoke(args=["grades", "import", path, "--school", "123456", "--valid-only"])
    assert result.exit_code == 1
    assert "Nothing was imported: 1 row has problems and no row is valid." in result.stderr
    assert grade_rows() == []


def test_cli_help_documents_every_option(runner):
    result = runner.invoke(args=["grades", "import", "--help"])
    assert result.exit_code == 0
    for words in ("--school", "--dry-run", "--valid-only", "Exit status", "row N, column C"):
        assert words in result.output


def test_cli_unknown_school_and_unreadable_file(runner, import_school, tmp_path):
    path = write(tmp_path, b"UPN\n", "grades.ods")
    result = runner.invoke(args=["grades", "import", path, "--school", "999999"])
    assert result.exit_code == 1 and "No school has URN 999999" in result.output
    result = runner.invoke(args=["grades", "import", path, "--school", "123456"])
    assert result.exit_code == 1 and "This is a .ods file" in result.output
    result = runner.invoke(
        args=["grades", "import", write(tmp_path, HEADER.encode()), "--school", "123456"]
    )
    assert result.exit_code == 1 and "The file has no grade rows." in result.output


def test_the_importer_lists_its_columns_for_help():
    assert GRADES.recognised_headers()[0] == ("UPN", ("UPN",), True)


# Exam series, finals not sat, and the qualifications added ---------------------------------

SERIES_HEADER = "UPN,Qualification,Kind,Grade,Tier,Date,Series"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("OCR Level 3 FSMQ Additional Maths", "fsmq_additional_maths"),
        ("FSMQ Additional Maths", "fsmq_additional_maths"),
        ("GCSE Statistics", "gcse_statistics"),
    ],
)
def test_the_added_qualifications_are_read(text, key):
    assert parse_qualification(text) == key


def test_fsmq_further_maths_is_no_longer_level_2_further_maths():
    with pytest.raises(CellError, match="Unknown qualification 'FSMQ Further Maths'"):
        parse_qualification("FSMQ Further Maths")


def test_validate_reads_the_series_and_finals_not_sat():
    ada, ben, cat = upn_for(1), upn_for(2), upn_for(3)
    result = validate(
        table(
            SERIES_HEADER,
            f"{ada},GCSE Maths,Final,7,Higher,20/08/2026,June 2026",
            f"{ben},GCSE Maths,Final,NE,,20/08/2026,Jun-26",  # not entered: no tier needed
            f"{cat},GCSE Maths,Final,abs,,20/08/2026,2026-06",
            f"{cat},GCSE Maths,Final,X,Higher,15/01/2026,November 2025",
            f"{ada},GCSE Maths,Predicted,8,,01/03/2026,",  # no series for other kinds
        ),
        {ada: 1, ben: 2, cat: 3},
        TODAY,
    )
    assert result.errors == []
    june = date(2026, 6, 1)
    assert [(r.student_id, r.grade, r.tier, r.series) for r in result.records] == [
        (1, "7", "higher", june),
        (2, "NE", None, june),
        (3, "ABS", None, june),
        (3, "X", "higher", date(2025, 11, 1)),
        (1, "8", None, None),
    ]


def test_series_and_not_sat_problems_are_named_by_row_and_column():
    result = validate(
        table(
            SERIES_HEADER,
            "A123456789012,GCSE Maths,Mock,6,Higher,01/02/2026,June 2026",  # series on a mock
            "A123456789012,GCSE Maths,Final,7,Higher,20/08/2026,November 2026",  # after the date
            "A123456789012,GCSE Maths,Final,7,Higher,20/08/2026,Autumn 2026",  # not a series
            "A123456789012,GCSE Maths,Mock,ABS,Higher,01/02/2026,",  # absent from a mock
        ),
        {"A123456789012": 1},
        TODAY,
    )
    assert result.records == []
    assert [str(e) for e in result.errors] == [
        "row 2, column Series: An exam series is for a final grade only",
        "row 3, column Series: The series (November 2026) is after the date of the grade "
        "(20/08/2026)",
        "row 4, column Series: 'Autumn 2026' is not an exam series: write the month and "
        "year, such as June 2026",
        "row 5, column Grade: ABS (absent) is for a final grade only",
    ]


def test_the_same_grade_in_two_series_on_one_date_is_a_conflict():
    result = validate(
        table(
            SERIES_HEADER,
            "A123456789012,GCSE Maths,Final,7,Higher,20/08/2026,June 2026",
            "A123456789012,GCSE Maths,Final,7,Higher,20/08/2026,November 2025",
        ),
        {"A123456789012": 1},
        TODAY,
    )
    assert result.records == []
    assert len(result.errors) == 2


def test_an_xlsx_series_may_be_a_date_cell():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["UPN", "Qualification", "Kind", "Grade", "Tier", "Date", "Exam series"])
    sheet.append(
        ["A123456789012", "GCSE Maths", "Final", 8, "higher", datetime(2026, 8, 20), "Jun 2026"]
    )
    sheet.append(["A123456789012", "A level Maths", "Final", "A", None, None, datetime(2026, 6, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = validate(read_table(buffer.getvalue(), "g.xlsx"), {"A123456789012": 5}, TODAY)
    assert result.errors == []
    assert [r.series for r in result.records] == [date(2026, 6, 1), date(2026, 6, 1)]


def test_web_import_stores_the_series_and_not_sat_finals(client, auth, import_school):
    _school, lead, ada, ben, _stranger = import_school
    auth.login(lead)
    content = "\n".join(
        [
            SERIES_HEADER,
            f"{ada.upn},GCSE Maths,Final,8,Higher,20/08/2026,June 2026",
            f"{ben.upn},GCSE Maths,Final,ABS,,20/08/2026,June 2026",
        ]
    ).encode()
    location = upload(client, content).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert '<th scope="col">Series</th>' in page
    assert page.count("<td>June 2026</td>") == 2
    assert client.post(location, data={"mode": "all"}).status_code == 303
    db.session.expire_all()
    stored = db.session.execute(
        select(
            GradeRecord.student_id, GradeRecord.grade, GradeRecord.tier, GradeRecord.series
        ).order_by(GradeRecord.id)
    ).all()
    assert stored == [
        (ada.id, "8", "higher", date(2026, 6, 1)),
        (ben.id, "ABS", None, date(2026, 6, 1)),
    ]
    # The same file again: every grade is already recorded (series included).
    again = upload(client, content).headers["Location"]
    assert "<dt>Already recorded (skipped)</dt><dd>2</dd>" in client.get(again).get_data(
        as_text=True
    )
    # A different series for the same grade and date is a new record, not a repeat.
    other = content.replace(b"June 2026", b"November 2025")
    moved = upload(client, other).headers["Location"]
    assert "<dt>Grades to add</dt><dd>2</dd>" in client.get(moved).get_data(as_text=True)


def test_cli_reads_the_series_column(runner, import_school, tmp_path):
    _school, _lead, ada, _ben, _stranger = import_school
    path = tmp_path / "grades.csv"
    path.write_text(f"{SERIES_HEADER}\n{ada.upn},GCSE Maths,Final,NE,,20/08/2026,June 2026\n")
    result = runner.invoke(args=["grades", "import", str(path), "--school", "123456"])
    assert result.exit_code == 0, result.output
    assert "1 grade added" in result.output
    db.session.expire_all()
    assert db.session.execute(select(GradeRecord.grade, GradeRecord.series)).all() == [
        ("NE", date(2026, 6, 1))
    ]
