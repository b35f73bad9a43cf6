"""Post-16 routes: the import (pure checks, the web upload/preview/confirm, `flask post16
import`), the timeline's post-16 form, and the migration of older records to routes."""

import io
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from app.extensions import db
from app.imports.records import NO_STUDENT
from app.imports.table import Table, read_table
from app.models import AuditEvent, Role, Upload
from tests.conftest import make_app
from tests.factories import make_school, make_student, make_user, upn_for
from tracking import services
from tracking.models import Post16Record
from tracking.post16.post16_import import (
    NAME_NEEDED,
    NOT_OWN,
    School,
    parse_route,
    parse_status,
    validate,
)

TODAY = date(2026, 10, 1)
HEADER = "UPN,Route,Status,Institution,URN,UKPRN,Date"
ADA, BEN = upn_for(901), upn_for(902)


def table(*lines: str) -> Table:
    return read_table("\n".join(lines).encode(), "post16.csv")


def school(students=None) -> School:
    return School("123456", "Hilltop Academy", students or {ADA: 1, BEN: 2})


def problems(result) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def stored() -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        select(
            Post16Record.student_id,
            Post16Record.route,
            Post16Record.status,
            Post16Record.institution,
            Post16Record.provider,
            Post16Record.provider_urn,
            Post16Record.provider_ukprn,
            Post16Record.recorded_on,
            Post16Record.source,
        ).order_by(Post16Record.id)
    ).all()


# The pure checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("A-level Maths", "a_level_maths"),
        ("a level mathematics", "a_level_maths"),
        ("A-level Further Maths", "a_level_further_maths"),
        ("AS Further Mathematics", "as_further_maths"),
        ("Core Maths", "core_maths"),
        ("Level 3 Mathematical Studies", "core_maths"),
        ("IB Mathematics", "ib_maths"),
        ("Other Level 3", "other_level_3"),
        ("apprenticeship", "apprenticeship"),
        ("Employment", "employment"),
        ("NEET", "not_in_education"),
        ("Not in education", "not_in_education"),
        ("None", "no_maths"),
    ],
)
def test_route_names(text, route):
    assert parse_route(text) == route


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Intends", "intends"),
        ("applied", "applied"),
        ("ENROLLED", "enrolled"),
        ("Completed", "completed"),
        ("withdrawn", "withdrawn"),
        ("considering", "considering"),
    ],
)
def test_status_names(text, status):
    assert parse_status(text) == status


def test_valid_rows_own_sixth_form_and_other_institutions():
    result = validate(
        table(
            "upn,route,status,institution,urn,ukprn,date",
            f"{ADA},A level Maths,Enrolled,Own sixth form,,,06/09/2026",
            f"{ADA},Further Maths,Enrolled,Hilltop Academy,123456,,2026-09-06",
            f"{BEN},Core Maths,Enrolled,Leeds City College,,10003855,",
            f"{BEN},A level Maths,Withdrawn,Park School,654321,,01/08/2026",
        ),
        school(),
        TODAY,
    )
    assert result.errors == []
    rows = [
        (r.row, r.student_id, r.route, r.status, r.institution, r.provider, r.provider_urn)
        + (r.provider_ukprn, r.recorded_on)
        for r in result.records
    ]
    assert rows == [
        (2, 1, "a_level_maths", "enrolled", "own_sixth_form", None, None, None, date(2026, 9, 6)),
        (3, 1, "a_level_further_maths", "enrolled", "own_sixth_form", None, None, None)
        + (date(2026, 9, 6),),
        (4, 2, "core_maths", "enrolled", "other", "Leeds City College", None, "10003855", TODAY),
        (5, 2, "a_level_maths", "withdrawn", "other", "Park School", "654321", None)
        + (date(2026, 8, 1),),
    ]


def test_every_problem_is_reported_by_row_and_column():
    result = validate(
        table(
            HEADER,
            f"{upn_for(903)},A level Maths,Enrolled,,,,",
            f"{ADA},Maths GCSE resit,Maybe,,,,",
            f"{ADA},Core Maths,Enrolled,Leeds City College,12345,20003855,",
            f"{BEN},AS Maths,Applied,,654321,,",
            f"{BEN},AS Maths,Applied,Own sixth form,,10003855,",
            f"{BEN},IB Maths,Intends,,,,01/01/2027",
        ),
        school(),
        TODAY,
    )
    messages = {(row, column): message for row, column, message in problems(result)}
    assert list(messages) == [
        (2, "UPN"),
        (3, "Route"),
        (3, "Status"),
        (4, "URN"),
        (4, "UKPRN"),
        (5, "Institution"),
        (6, "Institution"),
        (7, "Date"),
    ]
    assert messages[(2, "UPN")] == NO_STUDENT
    assert messages[(3, "Route")].startswith("Unknown route 'Maths GCSE resit': use one of")
    assert "IB Mathematics" in messages[(3, "Route")]
    assert messages[(3, "Status")].startswith("Unknown status 'Maybe': use intends, applied")
    assert messages[(4, "URN")] == "A URN is 6 digits, not '12345'"
    assert messages[(4, "UKPRN")] == "A UKPRN is 8 digits starting with 1, not '20003855'"
    assert messages[(5, "Institution")] == NAME_NEEDED
    assert messages[(6, "Institution")] == NOT_OWN
    assert messages[(7, "Date")] == "The date 01/01/2027 is in the future"
    assert result.records == []


def test_a_missing_required_column_is_reported_on_the_header_row():
    result = validate(table("UPN,Institution", f"{ADA},Own sixth form"), school(), TODAY)
    assert [(e.row, e.column) for e in result.errors] == [(1, "Route"), (1, "Status")]
    assert result.missing_columns == ["Route", "Status"]


def test_duplicate_rows_count_once_and_conflicting_rows_are_each_a_problem():
    result = validate(
        table(
            "UPN,Route,Status,Date",
            f"{ADA},A level Maths,Enrolled,06/09/2026",
            f"{ADA},A level Maths,Enrolled,06/09/2026",
            f"{BEN},A level Maths,Enrolled,06/09/2026",
            f"{BEN},A level Maths,Withdrawn,06/09/2026",
        ),
        school(),
        TODAY,
    )
    assert [r.row for r in result.records] == [2]
    assert [(e.row, e.column) for e in result.errors] == [(4, "Route"), (5, "Route")]
    assert "Row 5 gives this student a different record" in result.errors[0].message


# The web pages -----------------------------------------------------------------------------


@pytest.fixture
def import_school(app):
    """(school, lead, ada, ben, stranger): two students of the lead's school, one elsewhere."""
    school = make_school(urn="123456", name="Hilltop Academy")
    lead = make_user(Role.LEAD, school)
    ada = make_student(school, year_group=12, first_name="Ada")
    ben = make_student(school, year_group=12, first_name="Ben")
    stranger = make_student(make_school(), year_group=12)
    db.session.commit()
    return school, lead, ada, ben, stranger


def good_file(ada, ben) -> bytes:
    return "\n".join(
        [
            "UPN,Route,Status,Institution,UKPRN,Date",
            f"{ada.upn},A-level Maths,Enrolled,Own sixth form,,06/09/2026",
            f"{ben.upn},Core Maths,Enrolled,<b>Leeds</b> College,10003855,2026-09-07",
            f"{ben.upn},A-level Maths,Applied,,,01/02/2026",
        ]
    ).encode()


def upload(client, content: bytes, name: str = "post16.csv"):
    return client.post(
        "/post16/import",
        data={"post16": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_upload_preview_and_confirm(client, auth, import_school):
    _school, lead, ada, ben, _stranger = import_school
    services.add_record(
        lead,
        ben,
        Post16Record,
        {"route": "a_level_maths", "status": "applied", "recorded_on": date(2026, 2, 1)},
    )
    db.session.commit()
    auth.login(lead)
    results_day = client.get("/results").get_data(as_text=True)
    assert 'href="/post16/import"' in results_day
    page = client.get("/post16/import").get_data(as_text=True)
    assert "Import post-16 routes" in page and "IB Mathematics" in page
    response = upload(client, good_file(ada, ben))
    assert response.status_code == 303
    location = response.headers["Location"]
    assert db.session.scalar(select(Upload.purpose)) == "post16"

    page = client.get(location).get_data(as_text=True)
    assert "<dt>Post-16 records to add</dt><dd>2</dd>" in page
    assert "<dt>Already recorded (skipped)</dt><dd>1</dd>" in page
    assert "Own sixth form" in page and "Import 2 post-16 records" in page
    assert "&lt;b&gt;Leeds&lt;/b&gt; College (UKPRN 10003855)" in page
    assert "<b>Leeds" not in page
    assert len(stored()) == 1  # nothing written by the preview

    response = client.post(location, data={"mode": "all"})
    assert response.status_code == 303
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import done: 2 post-16 records added, 1 unchanged (already recorded)." in done
    assert stored()[1:] == [
        (ada.id, "a_level_maths", "enrolled", "own_sixth_form", None, None, None)
        + (date(2026, 9, 6), "imported"),
        (ben.id, "core_maths", "enrolled", "other", "<b>Leeds</b> College", None, "10003855")
        + (date(2026, 9, 7), "imported"),
    ]
    audited = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "post16_records.create", AuditEvent.actor_id == lead.id)
    )
    assert audited == 3
    # The student's timeline shows the route and where, escaped.
    timeline = client.get(f"/students/{ben.id}/timeline").get_data(as_text=True)
    assert "Core Maths: <strong>Enrolled</strong> at &lt;b&gt;Leeds&lt;/b&gt; College" in timeline


def test_a_problem_blocks_the_import_unless_only_the_valid_rows_are_chosen(
    client, auth, import_school
):
    _school, lead, ada, _ben, stranger = import_school
    auth.login(lead)
    content = "\n".join(
        [
            "UPN,Route,Status",
            f"{ada.upn},A-level Maths,Enrolled",
            f"{stranger.upn},A-level Maths,Enrolled",
        ]
    ).encode()
    location = upload(client, content).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert NO_STUDENT in page and "Import only the 1 valid row" in page
    response = client.post(location, data={"mode": "all"})
    assert "Nothing was imported" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert stored() == []
    response = client.post(location, data={"mode": "valid"})
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 post-16 record added; 1 row with problems skipped" in done
    assert [row[:3] for row in stored()] == [(ada.id, "a_level_maths", "enrolled")]


@pytest.mark.parametrize(
    ("role", "status"), [(Role.TEACHER, 200), (Role.ADMIN, 200), (Role.EVALUATOR, 403)]
)
def test_who_may_import(client, auth, import_school, role, status):
    school = import_school[0]
    auth.login(make_user(role, school if role == Role.TEACHER else None))
    assert client.get("/post16/import").status_code == status


# The command line --------------------------------------------------------------------------


def write(tmp_path, content: bytes, name: str = "post16.csv") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_cli_imports_and_a_second_run_adds_nothing(runner, import_school, tmp_path):
    _school, _lead, ada, ben, _stranger = import_school
    path = write(tmp_path, good_file(ada, ben))
    result = runner.invoke(args=["post16", "import", path, "--school", "123456"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "3 post-16 records added"
    assert {row[-1] for row in stored()} == {"imported"}
    again = runner.invoke(args=["post16", "import", path, "--school", "123456"])
    assert again.exit_code == 0
    assert again.stdout.strip() == "0 post-16 records added, 3 unchanged (already recorded)"
    assert len(stored()) == 3


def test_cli_dry_run_writes_nothing(runner, import_school, tmp_path):
    _school, _lead, ada, ben, _stranger = import_school
    path = write(tmp_path, good_file(ada, ben))
    result = runner.invoke(args=["post16", "import", path, "--school", "123456", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing was written. Would import: 3 post-16 records added" in result.stdout
    assert stored() == []


def test_cli_problems_are_printed_and_nothing_is_written(runner, import_school, tmp_path):
    _school, _lead, ada, _ben, _stranger = import_school
    content = f"UPN,Route,Status,URN\n{ada.upn},A-level Maths,Enrolled,\n{ada.upn},Core,Done,99\n"
    path = write(tmp_path, content.encode())
    result = runner.invoke(args=["post16", "import", path, "--school", "123456"])
    assert result.exit_code == 1
    assert "row 3, column Route: Unknown route 'Core'" in result.stderr
    assert "row 3, column Status: Unknown status 'Done'" in result.stderr
    assert "row 3, column URN: A URN is 6 digits, not '99'" in result.stderr
    assert "Nothing was imported: 1 row has problems" in result.stderr
    assert stored() == []

    dry = runner.invoke(
        args=["post16", "import", path, "--school", "123456", "--valid-only", "--dry-run"]
    )
    assert dry.exit_code == 0 and stored() == []
    valid = runner.invoke(args=["post16", "import", path, "--school", "123456", "--valid-only"])
    assert valid.exit_code == 0
    assert valid.stdout.strip() == "1 post-16 record added; 1 row with problems skipped"
    assert [row[:3] for row in stored()] == [(ada.id, "a_level_maths", "enrolled")]


def test_cli_help_names_the_columns_and_statuses(runner):
    result = runner.invoke(args=["post16", "import", "--help"])
    assert result.exit_code == 0
    for word in ("UPN, Route", "Status", "intends, applied, enrolled, completed", "--valid-only"):
        assert word in result.output


# The timeline's post-16 form ---------------------------------------------------------------


@pytest.fixture
def lead_and_student(app):
    school = make_school(urn="123456")
    lead = make_user(Role.LEAD, school)
    student = make_student(school, year_group=11)
    db.session.commit()
    return lead, student


def add(client, student, **fields):
    data = {"new-post16-route": "a_level_maths", "new-post16-status": "intends"}
    data |= {"new-post16-recorded_on": "2026-03-01"}
    data |= {f"new-post16-{name}": value for name, value in fields.items()}
    return client.post(f"/students/{student.id}/timeline/post16", data=data)


def test_the_form_offers_every_route_and_adds_another_college(client, auth, lead_and_student):
    lead, student = lead_and_student
    auth.login(lead)
    page = client.get(f"/students/{student.id}/timeline").get_data(as_text=True)
    for text in ("IB Mathematics", "AS Further Maths", "Not in education", "Intends"):
        assert text in page
    assert 'for="new-post16-institution"' in page and 'for="new-post16-provider_ukprn"' in page
    college = {"provider": "Leeds City College", "provider_ukprn": "10003855"}
    response = add(client, student, institution="other", **college)
    assert response.status_code == 303
    assert stored() == [
        (student.id, "a_level_maths", "intends", "other", "Leeds City College", None, "10003855")
        + (date(2026, 3, 1), "entered"),
    ]
    timeline = client.get(f"/students/{student.id}/timeline").get_data(as_text=True)
    assert "at Leeds City College (UKPRN 10003855)" in timeline


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"institution": "other"}, "Enter the name of the school or college"),
        ({"institution": "other", "provider": "Park", "provider_urn": "1234"}, "A URN is 6 digits"),
        (
            {"institution": "other", "provider": "Park", "provider_ukprn": "2000000"},
            "A UKPRN is 8 digits starting with 1",
        ),
        (
            {"institution": "own_sixth_form", "provider_urn": "123456"},
            "Give it only for another school or college",
        ),
        ({"route": "a_level_chemistry"}, "Not a valid choice"),
    ],
)
def test_the_form_refuses_what_is_wrong(client, auth, lead_and_student, fields, message):
    lead, student = lead_and_student
    auth.login(lead)
    response = add(client, student, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored() == []


def test_the_own_sixth_form_is_shown_as_such(client, auth, lead_and_student):
    lead, student = lead_and_student
    auth.login(lead)
    assert add(client, student, institution="own_sixth_form", status="enrolled").status_code == 303
    timeline = client.get(f"/students/{student.id}/timeline").get_data(as_text=True)
    assert "A-level Maths: <strong>Enrolled</strong> at the own sixth form" in timeline


# The migration -----------------------------------------------------------------------------


def test_the_migration_moves_subjects_to_routes_and_back(tmp_path):
    app = make_app("sqlite:///" + str(tmp_path / "routes.sqlite"))
    with app.app_context():
        upgrade(revision="3c4d5e6f7a83")
        with db.engine.begin() as conn:
            # Only post16_records matters here: no school or student rows behind it.
            conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
            for n, subject in enumerate(("a_level_maths", "core_maths", "none"), start=1):
                conn.execute(
                    sa.text(
                        "INSERT INTO post16_records (id, student_id, subject, status, "
                        "recorded_on, source, created_at, version) VALUES "
                        "(:id, 1, :subject, 'enrolled', '2025-09-05', 'entered', "
                        "'2025-09-05 12:00:00', 1)"
                    ),
                    {"id": n, "subject": subject},
                )
        upgrade(revision="4d5e6f7a8b94")
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT route, institution FROM post16_records ORDER BY id")
            ).all()
        assert rows == [("a_level_maths", None), ("core_maths", None), ("no_maths", None)]
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE post16_records SET route = 'ib_maths' WHERE id = 1"))
        downgrade(revision="3c4d5e6f7a83")
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT subject FROM post16_records ORDER BY id")).all()
        assert rows == [("none",), ("core_maths",), ("none",)]
        db.engine.dispose()
