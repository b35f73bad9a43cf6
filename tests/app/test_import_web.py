"""Roster import in the browser: upload, preview, confirm."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app import academic
from app.extensions import db
from app.imports import services
from app.models import AuditEvent, Group, GroupMember, Role, Student, Upload, utcnow
from tests.factories import make_group, make_school, make_student, make_user, upn_for

HEADER = ["UPN", "Legal Forename", "Legal Surname", "Year Group", "PP", "Maths Set"]


def csv_file(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def xlsx_file(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def school():
    return make_school("Northfield Academy")


@pytest.fixture
def lead(school):
    return make_user(Role.LEAD, school)


def upload(client, content: bytes, filename: str = "roster.csv"):
    return client.post(
        "/students/import",
        data={"roster": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def upload_ok(client, content: bytes, filename: str = "roster.csv") -> str:
    response = upload(client, content, filename)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def student_count() -> int:
    return db.session.scalar(select(func.count(Student.id)))


def test_upload_page_has_a_labelled_file_input_and_lists_the_columns(client, auth, lead):
    auth.login(lead)
    page = client.get("/students/import").get_data(as_text=True)
    assert '<label for="roster">Roster file (CSV or XLSX)</label>' in page
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page
    assert "Legal Forename" in page and "KS2 Maths Scaled Score" in page and "NC Year" in page
    assert '<th scope="col">' in page
    assert "style=" not in page and "<script>" not in page
    assert client.get("/students/import/").status_code == 200


@pytest.mark.parametrize("role", [Role.TEACHER, Role.EVALUATOR])
def test_only_leads_and_admins_may_import(client, auth, school, role):
    user = make_user(role, school if role.needs_school else None)
    auth.login(user)
    assert client.get("/students/import").status_code == 403
    assert upload(client, csv_file([HEADER])).status_code == 403


def test_the_admin_chooses_the_school_a_roster_is_for(client, auth, school):
    other = make_school("Southfield School")
    auth.login(make_user(Role.ADMIN))
    page = client.get("/students/import").get_data(as_text=True)
    assert '<label for="school">School</label>' in page
    assert "Northfield Academy" in page and "Southfield School" in page
    content = csv_file([HEADER, [upn_for(1), "Ada", "Byron", "8", "N", ""]])

    # No school chosen, or one that does not exist: a message, nothing stored.
    for chosen in ("0", "999999", "x"):
        response = client.post(
            "/students/import",
            data={"school": chosen, "roster": (io.BytesIO(content), "roster.csv")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 200
        assert db.session.scalar(select(func.count(Upload.id))) == 0
    assert "Choose the school the file is for" in client.post(
        "/students/import",
        data={"school": "0", "roster": (io.BytesIO(content), "roster.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)

    response = client.post(
        "/students/import",
        data={"school": str(other.id), "roster": (io.BytesIO(content), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "Byron, Ada" in client.get(location).get_data(as_text=True)
    assert client.post(location, data={"mode": "all"}).status_code == 303
    student = db.session.scalar(select(Student))
    assert (student.upn, student.school_id) == (upn_for(1), other.id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "students.import"))
    assert event.school_id == other.id


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get("/students/import")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_upload_preview_confirm_creates_students_and_groups(client, auth, school, lead):
    auth.login(lead)
    content = csv_file(
        [
            HEADER + ["Tutor Group"],
            [upn_for(1), "Zoë", "O'Brien-Łukasz", "Y8", "Y", "8X1", "8T"],
            [upn_for(2), "小龍", "李", "8", "N", "8X1", "8T"],
            [upn_for(3), "<script>alert(1)</script>", "Smith", "Year 9", "", "", "9T"],
        ]
    )
    location = upload_ok(client, content)
    stored = db.session.scalar(select(Upload))
    assert location.endswith(f"/students/import/{stored.id}")
    assert (stored.purpose, stored.school_id, stored.user_id) == ("roster", school.id, lead.id)
    assert student_count() == 0

    page = client.get(location).get_data(as_text=True)
    assert "Ignored columns: Tutor Group" in page
    assert "O&#39;Brien-Łukasz, Zoë" in page and "李, 小龍" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "<dt>New students</dt><dd>3</dd>" in page
    assert "<dt>Groups to create</dt><dd>8X1</dd>" in page
    assert "Import all rows" in page and "Import only the" not in page
    assert "style=" not in page
    assert student_count() == 0

    response = client.post(location, data={"mode": "all"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/students/")
    roster = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import done: 3 new, 0 updated, 0 unchanged; groups created: 8X1." in roster

    students = {s.upn: s for s in db.session.scalars(select(Student))}
    assert set(students) == {upn_for(1), upn_for(2), upn_for(3)}
    zoe = students[upn_for(1)]
    assert (zoe.first_name, zoe.last_name, zoe.pupil_premium, zoe.year_group()) == (
        "Zoë",
        "O'Brien-Łukasz",
        True,
        8,
    )
    assert zoe.survey_code and zoe.school_id == school.id
    group = db.session.scalar(select(Group))
    assert (group.name, group.school_id) == ("8X1", school.id)
    assert {s.upn for s in group.students} == {upn_for(1), upn_for(2)}
    db.session.refresh(stored)
    assert stored.applied_at is not None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("student.create") == 3
    assert "group.create" in actions and "students.import" in actions


def test_xlsx_upload(client, auth, lead):
    auth.login(lead)
    content = xlsx_file(
        [
            ["UPN", "Forename", "Surname", "NC Year", "DOB"],
            [upn_for(1), "Ann", "Lee", 10, date(2010, 5, 6)],
        ]
    )
    location = upload_ok(client, content, "Roster Export.XLSX")
    assert "Import all rows" in client.get(location).get_data(as_text=True)
    client.post(location, data={"mode": "all"})
    student = db.session.scalar(select(Student))
    assert (student.date_of_birth, student.year_group()) == (date(2010, 5, 6), 10)


def test_problems_are_listed_and_nothing_is_written_unless_valid_only_is_chosen(
    client, auth, school, lead
):
    auth.login(lead)
    content = csv_file(
        [
            ["UPN", "Forename", "Surname", "Year", "KS2 Maths"],
            [upn_for(1), "Ann", "Lee", "7", "100"],
            [upn_for(2), "Bo", "Kim", "Y14", "130"],
            ["A123", "Cy", "", "9", ""],
            [upn_for(4), "Di", "Ng", "9", ""],
        ]
    )
    location = upload_ok(client, content)
    page = client.get(location).get_data(as_text=True)
    assert '<th scope="col">Row</th><th scope="col">Column</th><th scope="col">Problem</th>' in page
    for row, column in [(3, "Year"), (3, "KS2 Maths"), (4, "UPN"), (4, "Surname")]:
        assert f'<td class="num">{row}</td><td>{column}</td>' in page
    assert "<dt>Rows with problems</dt><dd>2</dd>" in page
    assert "Import all rows" not in page
    assert "Import only the 2 valid rows" in page

    response = client.post(location, data={"mode": "all"}, follow_redirects=True)
    assert "Nothing was imported" in response.get_data(as_text=True)
    assert student_count() == 0
    assert db.session.scalar(select(Upload)).applied_at is None

    response = client.post(location, data={"mode": "valid"})
    assert response.status_code == 303
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 new, 0 updated, 0 unchanged; 2 rows with problems skipped" in flashed
    assert set(db.session.scalars(select(Student.upn))) == {upn_for(1), upn_for(4)}


def test_a_date_that_does_not_exist_is_named_on_the_preview(client, auth, lead):
    auth.login(lead)
    rows = [HEADER[:4] + ["DOB"], [upn_for(1), "Ann", "Lee", "9", "31/02/2012"]]
    page = client.get(upload_ok(client, csv_file(rows))).get_data(as_text=True)
    assert '<td class="num">2</td><td>DOB</td><td>31/02/2012 is not a real date</td>' in page


def test_a_file_with_no_valid_row_offers_no_import(client, auth, lead):
    auth.login(lead)
    location = upload_ok(client, csv_file([["UPN", "Surname"], [upn_for(1), "Lee"]]))
    page = client.get(location).get_data(as_text=True)
    assert "Required column is missing" in page
    assert "Import all rows" not in page and "Import only" not in page
    client.post(location, data={"mode": "valid"})
    assert student_count() == 0


def test_reimport_updates_matched_students_and_never_duplicates(client, auth, school, lead):
    existing = make_student(
        school,
        year_group=8,
        upn=upn_for(1),
        first_name="Ann",
        last_name="Lee",
        pupil_premium=False,
        ks2_maths=101,
        date_of_birth=date(2012, 1, 1),
        is_target=True,
    )
    same = make_student(school, year_group=9, upn=upn_for(2), first_name="Bo", last_name="Kim")
    set_8x1 = make_group(school, "8X1", students=[existing])
    auth.login(lead)
    header = ["UPN", "Forename", "Surname", "Year", "Pupil Premium", "Maths Set"]
    content = csv_file(
        [
            header,
            [upn_for(1), "Anne", "Lee", "8", "Yes", "8x1"],
            [upn_for(2), "Bo", "Kim", "9", "No", ""],
            [upn_for(3), "Cy", "Day", "9", "No", "9Y2"],
        ]
    )
    location = upload_ok(client, content)
    page = client.get(location).get_data(as_text=True)
    assert "<dt>Students updated</dt><dd>1</dd>" in page
    assert "<dt>Students unchanged</dt><dd>1</dd>" in page
    assert "First name: Ann → Anne" in page and "Pupil Premium: No → Yes" in page
    assert "<dt>Groups to create</dt><dd>9Y2</dd>" in page
    client.post(location, data={"mode": "all"})

    # Again with the same file: nothing more changes.
    second = upload_ok(client, content)
    assert "<dt>Students unchanged</dt><dd>3</dd>" in client.get(second).get_data(as_text=True)
    response = client.post(second, data={"mode": "all"}, follow_redirects=True)
    assert "0 new, 0 updated, 3 unchanged" in response.get_data(as_text=True)

    assert student_count() == 3
    db.session.expire_all()
    existing, same = db.session.get(Student, existing.id), db.session.get(Student, same.id)
    assert (existing.first_name, existing.pupil_premium) == ("Anne", True)
    # Columns the file does not have are left alone.
    assert (existing.ks2_maths, existing.date_of_birth, existing.is_target) == (
        101,
        date(2012, 1, 1),
        True,
    )
    assert [g.name for g in existing.groups] == ["8X1"]  # "8x1" matched the existing set
    assert db.session.scalar(select(func.count(GroupMember.student_id))) == 2
    assert {g.name for g in db.session.scalars(select(Group))} == {"8X1", "9Y2"}
    assert set_8x1.id == existing.groups[0].id
    updates = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "student.update")
    ).all()
    assert len(updates) == 1
    assert updates[0].after == {
        "first_name": "Anne",
        "pupil_premium": True,
        "pupil_premium_as_at": date.today().isoformat(),  # the day the import said so
    }


def test_joining_a_group_counts_as_an_update(client, auth, school, lead):
    make_student(school, year_group=8, upn=upn_for(1), first_name="Ann", last_name="Lee")
    make_group(school, "8X1")
    auth.login(lead)
    content = csv_file(
        [["UPN", "Forename", "Surname", "Year", "Group"], [upn_for(1), "Ann", "Lee", "8", "8X1"]]
    )
    location = upload_ok(client, content)
    page = client.get(location).get_data(as_text=True)
    assert "Group: joins 8X1" in page
    response = client.post(location, data={"mode": "all"}, follow_redirects=True)
    assert "0 new, 1 updated, 0 unchanged" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(GroupMember.student_id))) == 1


def test_upn_of_another_school_is_refused_without_naming_it(client, auth, lead):
    make_student(make_school("Secret Grammar"), upn=upn_for(1))
    auth.login(lead)
    location = upload_ok(client, csv_file([HEADER[:4], [upn_for(1), "Ann", "Lee", "9"]]))
    page = client.get(location).get_data(as_text=True)
    assert "This UPN cannot be used here; the programme admin can move a student" in page
    assert "Secret Grammar" not in page


def test_another_schools_or_users_upload_is_404(client, auth, school, lead):
    other_lead = make_user(Role.LEAD, make_school())
    colleague = make_user(Role.LEAD, school)
    auth.login(other_lead)
    location = upload_ok(client, csv_file([HEADER[:4], [upn_for(1), "Ann", "Lee", "9"]]))
    auth.logout()
    for user in (lead, colleague):
        auth.login(user)
        assert client.get(location).status_code == 404
        assert client.post(location, data={"mode": "all"}).status_code == 404
        auth.logout()
    assert client.get("/students/import/999999").status_code == 302  # signed out
    assert student_count() == 0


def test_an_upload_cannot_be_applied_twice(client, auth, lead):
    auth.login(lead)
    location = upload_ok(client, csv_file([HEADER[:4], [upn_for(1), "Ann", "Lee", "9"]]))
    client.post(location, data={"mode": "all"})
    response = client.post(location, data={"mode": "all"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(location)
    page = client.get(location).get_data(as_text=True)
    assert "This file has already been imported" in page
    assert "Import all rows" not in page
    assert student_count() == 1
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "students.import")
        )
        == 1
    )


def test_confirm_needs_a_known_mode(client, auth, lead):
    auth.login(lead)
    location = upload_ok(client, csv_file([HEADER[:4], [upn_for(1), "Ann", "Lee", "9"]]))
    assert client.post(location, data={"mode": "everything"}).status_code == 400
    assert client.post(location).status_code == 400
    assert student_count() == 0


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "roster.csv", "The file is empty."),
        (b"%PDF-1.4", "roster.pdf", "Upload a CSV or XLSX file"),
        (b"PK\x03\x04 broken", "roster.xlsx", "This file is too large or damaged to read"),
        (b"\r\n , ,\r\n", "roster.csv", "The file has no header row"),
    ],
)
def test_bad_files_get_a_clear_message_on_the_upload_page(
    client, auth, lead, content, filename, message
):
    auth.login(lead)
    response = upload(client, content, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert '<label for="roster">' in page and 'aria-invalid="true"' in page
    assert db.session.scalar(select(func.count(Upload.id))) == 0


def test_no_file_chosen(client, auth, lead):
    auth.login(lead)
    response = client.post("/students/import", data={}, content_type="multipart/form-data")
    assert "Choose a CSV or XLSX file" in response.get_data(as_text=True)


def test_a_file_over_10_mb_gets_a_message_on_the_upload_page(client, auth, lead):
    auth.login(lead)
    response = upload(client, b"x" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "larger than 10 MB" in page and '<label for="roster">' in page


def test_old_uploads_are_deleted_when_a_new_one_is_stored(client, auth, school, lead):
    old = Upload(
        school_id=school.id,
        user_id=lead.id,
        purpose="roster",
        filename="old.csv",
        content=b"x",
        created_at=utcnow() - timedelta(days=2),
    )
    recent = Upload(
        school_id=school.id, user_id=lead.id, purpose="roster", filename="new.csv", content=b"x"
    )
    db.session.add_all([old, recent])
    auth.login(lead)
    upload_ok(client, csv_file([HEADER[:4]]))
    assert sorted(db.session.scalars(select(Upload.filename))) == ["new.csv", "roster.csv"]


def test_a_file_with_only_a_header_has_nothing_to_import(client, auth, lead):
    auth.login(lead)
    location = upload_ok(client, csv_file([HEADER]))
    page = client.get(location).get_data(as_text=True)
    assert "no student rows" in page and "Import all rows" not in page


def test_preview_and_apply_of_2000_rows_use_a_fixed_number_of_queries(
    app, school, lead, count_queries
):
    rows = [["UPN", "Forename", "Surname", "Year", "Maths Set"]]
    for n in range(1, 2001):
        rows.append([upn_for(n), f"First{n}", f"Last{n}", str(7 + n % 5), f"{7 + n % 5}X{n % 4}"])
    for n in range(1, 1001):
        make_student(school, upn=upn_for(n), first_name=f"First{n}", last_name="Old")
    db.session.commit()
    content = csv_file(rows)
    with count_queries() as queries:
        plan = services.ROSTER.preview(school, content, "big.csv")
    assert len(queries) <= 5
    assert (len(plan.new), len(plan.updates), len(plan.errors)) == (1000, 1000, 0)
    summary = services.ROSTER.apply(lead, school, plan, valid_only=False)
    db.session.commit()
    assert (summary.created, summary.updated) == (1000, 1000)
    assert len(summary.groups_created) == 20
    assert student_count() == 2000
    assert db.session.scalar(select(func.count(GroupMember.student_id))) == 2000
    entry = academic.entry_year_for(7 + 1 % 5, date.today())
    assert db.session.scalar(select(Student.entry_year).where(Student.upn == upn_for(1))) == entry


def test_forms_carry_the_csrf_token(app, client, auth, lead):
    auth.login(lead)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/students/import").get_data(as_text=True)
    assert 'action="/students/import/"' in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    content = csv_file([HEADER[:4], [upn_for(1), "Ann", "Lee", "9"]])
    refused = client.post(
        "/students/import",
        data={"roster": (io.BytesIO(content), "r.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    response = client.post(
        "/students/import",
        data={"roster": (io.BytesIO(content), "r.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    preview = client.get(location).get_data(as_text=True)
    assert f'<form method="post" action="{location}">' in preview
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', preview).group(1)
    assert client.post(location, data={"mode": "all"}).status_code == 400
    assert student_count() == 0
    assert client.post(location, data={"mode": "all", "csrf_token": token}).status_code == 303
    assert student_count() == 1


def test_a_file_over_10_mb_gets_the_upload_page_with_csrf_on(app, client, auth, lead):
    auth.login(lead)
    app.config["WTF_CSRF_ENABLED"] = True
    response = upload(client, b"x" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert "larger than 10 MB" in response.get_data(as_text=True)


def test_apply_refuses_a_file_with_problems_unless_valid_only(app, school, lead):
    content = csv_file([HEADER[:4], [upn_for(1), "Ann", "Lee", "9"], ["bad", "Bo", "Kim", "9"]])
    plan = services.ROSTER.preview(school, content, "r.csv")
    with pytest.raises(services.ImportBlocked):
        services.ROSTER.apply(lead, school, plan, valid_only=False)
    assert student_count() == 0
    assert str(services.ROSTER.apply(lead, school, plan, valid_only=True)) == (
        "1 new, 0 updated, 0 unchanged; 1 row with problems skipped"
    )
    nothing_valid = services.ROSTER.preview(
        school, csv_file([HEADER[:4], ["bad", "B", "K", "9"]]), "r.csv"
    )
    with pytest.raises(services.ImportBlocked):
        services.ROSTER.apply(lead, school, nothing_valid, valid_only=True)
