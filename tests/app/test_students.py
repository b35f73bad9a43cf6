from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Role, Student
from tests.factories import make_group, make_school, make_student, make_user, upn_for


@pytest.fixture
def school():
    return make_school("Northfield Academy")


@pytest.fixture
def lead(school):
    return make_user(Role.LEAD, school)


def test_roster_lists_own_school_students_by_name(client, auth, school, lead):
    make_student(school, first_name="Ada", last_name="Zephyr")
    make_student(school, first_name="Ben", last_name="Adams")
    make_student(make_school(), first_name="Other", last_name="Schoolchild")
    auth.login(lead)
    page = client.get("/students/").get_data(as_text=True)
    assert page.index("Adams, Ben") < page.index("Zephyr, Ada")
    assert "Schoolchild" not in page
    assert "2</strong> students" in page


def test_search_by_name_ignores_case_and_accents_and_finds_upn(client, auth, school, lead):
    zoe = make_student(school, first_name="Zoë", last_name="O'Brien-Łukasz")
    make_student(school, first_name="Sam", last_name="Smith")
    auth.login(lead)
    for q in ("zoe", "ZOË", "o'brien", "łukasz", zoe.upn.lower()):
        page = client.get("/students/", query_string={"q": q}).get_data(as_text=True)
        assert "O&#39;Brien-Łukasz, Zoë" in page, q
        assert "Smith" not in page, q


def test_live_search_returns_only_the_results_fragment(client, auth, school, lead):
    make_student(school, first_name="Priya", last_name="Patel")
    auth.login(lead)
    response = client.get("/students/", query_string={"q": "priya"}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "Patel, Priya" in body
    assert "<html" not in body and "Search by name or UPN" not in body
    assert "HX-Request" in response.headers["Vary"]
    restore = client.get(
        "/students/",
        query_string={"q": "priya"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.get_data(as_text=True)


def test_filters_by_year_target_and_pupil_premium(client, auth, school, lead):
    make_student(school, year_group=8, last_name="Eighter")
    make_student(school, year_group=10, last_name="Tenner", is_target=True)
    make_student(school, year_group=10, last_name="Ppkid", pupil_premium=True)
    make_student(school, year_group=10, last_name="Leaver", left_on=date.today() - timedelta(1))
    auth.login(lead)

    def names(**args):
        page = client.get("/students/", query_string=args).get_data(as_text=True)
        return {n for n in ("Eighter", "Tenner", "Ppkid", "Leaver") if n in page}

    assert names() == {"Eighter", "Tenner", "Ppkid"}
    assert names(year="10") == {"Tenner", "Ppkid"}
    assert names(target="1") == {"Tenner"}
    assert names(pp="1") == {"Ppkid"}
    assert names(year="10", left="1") == {"Tenner", "Ppkid", "Leaver"}
    assert names(year="banana") == {"Eighter", "Tenner", "Ppkid"}


def test_roster_is_paginated(client, auth, school, lead, app):
    app.config["ROSTER_PAGE_SIZE"] = 5
    for i in range(12):
        make_student(school, last_name=f"Name{i:02d}")
    auth.login(lead)
    first = client.get("/students/").get_data(as_text=True)
    assert "Name00" in first and "Name05" not in first and "page 1 of 3" in first
    third = client.get("/students/?page=3").get_data(as_text=True)
    assert "Name10" in third and "Name11" in third and "Name00" not in third


def test_roster_of_2000_students_takes_a_fixed_number_of_queries(
    client, auth, school, lead, count_queries
):
    def add(n):
        for _ in range(n):
            student = make_student(school)
            make_group(school, students=[student])
        db.session.commit()

    add(5)
    auth.login(lead)
    with count_queries() as small:
        assert client.get("/students/").status_code == 200
    add(1995)
    with count_queries() as large:
        page = client.get("/students/?q=last").get_data(as_text=True)
    assert "2000</strong> students" in page
    assert len(large) == len(small) <= 6


def test_edit_student_details_is_saved_and_audited(client, auth, school, lead):
    student = make_student(school, first_name="Old", last_name="Name", year_group=9)
    auth.login(lead)
    form = client.get(f"/students/{student.id}/edit").get_data(as_text=True)
    assert 'value="Old"' in form
    response = client.post(
        f"/students/{student.id}/edit",
        data={
            "upn": student.upn,
            "first_name": "New",
            "last_name": "Name",
            "preferred_name": "Newt",
            "year_group": "10",
            "ks2_maths": "111",
            "pupil_premium": "y",
            "sen": "N",
            "date_of_birth": "2012-03-27",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    student = db.session.get(Student, student.id)
    assert (student.first_name, student.preferred_name, student.ks2_maths) == ("New", "Newt", 111)
    assert student.year_group() == 10 and student.pupil_premium and student.sen == "N"
    assert student.date_of_birth == date(2012, 3, 27)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "student.update")
    ).one()
    assert event.actor_id == lead.id
    assert event.before["first_name"] == "Old" and event.after["first_name"] == "New"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("upn", "A12345678901", "must be 13 characters"),
        ("upn", "B123456789012", "check letter is wrong"),
        ("ks2_maths", "121", "from 80 to 120"),
        ("first_name", "", "Enter the first name"),
        ("date_of_birth", "31/02/2012", "31/02/2012 is not a real date"),
    ],
)
def test_bad_student_details_are_refused_with_a_message(
    client, auth, school, lead, field, value, message
):
    student = make_student(school, first_name="Keep")
    auth.login(lead)
    data = {"upn": student.upn, "first_name": "Changed", "last_name": "X", "year_group": "9"}
    data[field] = value
    response = client.post(f"/students/{student.id}/edit", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Student, student.id).first_name == "Keep"


def test_upn_of_another_student_is_refused(client, auth, school, lead):
    first = make_student(school)
    second = make_student(school)
    auth.login(lead)
    data = {"upn": first.upn, "first_name": "A", "last_name": "B", "year_group": "9"}
    response = client.post(f"/students/{second.id}/edit", data=data)
    assert "Another student already has this UPN" in response.get_data(as_text=True)


def test_add_a_student_generates_a_survey_code(client, auth, school, lead):
    auth.login(lead)
    response = client.post(
        "/students/new",
        data={"upn": upn_for(4242), "first_name": "New", "last_name": "Pupil", "year_group": "7"},
    )
    assert response.status_code == 303
    student = db.session.scalars(select(Student).where(Student.upn == upn_for(4242))).one()
    assert student.school_id == school.id and len(student.survey_code) == 6
    assert student.year_group() == 7


def test_mark_and_unmark_target_inline(client, auth, school, lead):
    student = make_student(school)
    auth.login(lead)
    fragment = client.post(
        f"/students/{student.id}/target", data={"is_target": "1"}, headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "Remove target mark" in fragment and "<html" not in fragment
    db.session.expire_all()
    assert db.session.get(Student, student.id).is_target
    response = client.post(f"/students/{student.id}/target", data={"is_target": "0"})
    assert response.status_code == 303
    db.session.expire_all()
    assert not db.session.get(Student, student.id).is_target
    assert client.post(f"/students/{student.id}/target", data={}).status_code == 400


def test_names_show_as_typed_never_as_markup(client, auth, school, lead):
    student = make_student(school, first_name="<script>alert(1)</script>", last_name="李小龍")
    auth.login(lead)
    for url in ("/students/", f"/students/{student.id}", f"/students/{student.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
        assert "李小龍" in page, url


def test_teacher_sees_roster_but_evaluator_does_not(client, auth, school):
    make_student(school, last_name="Visible")
    teacher = make_user(Role.TEACHER, school)
    evaluator = make_user(Role.EVALUATOR)
    auth.login(teacher)
    assert "Visible" in client.get("/students/").get_data(as_text=True)
    auth.logout()
    auth.login(evaluator)
    assert client.get("/students/").status_code == 403


def test_students_codes_command_prints_csv(runner, school):
    make_student(school, first_name="=cmd", last_name="Smith")
    db.session.commit()
    result = runner.invoke(args=["students", "codes", "--school", school.urn])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0] == "upn,name,survey code"
    assert lines[1].split(",")[1] == "'=cmd Smith"
    missing = runner.invoke(args=["students", "codes", "--school", "999999"])
    assert missing.exit_code != 0 and "No school has URN 999999" in missing.output


def test_navigation_marks_the_current_section(client, auth, school, lead):
    student = make_student(school)
    auth.login(lead)
    page = client.get(f"/students/{student.id}").get_data(as_text=True)
    assert '<a href="/students/" aria-current="page">Students</a>' in page
    assert '<a href="/groups/">Groups</a>' in page
    imports = client.get("/students/import/").get_data(as_text=True)
    assert '<a href="/students/import/" aria-current="page">Import</a>' in imports
    assert '<a href="/students/">Students</a>' in imports
