"""Schools, staff accounts and the audit log, through the web."""

import re

import pytest
from sqlalchemy import func, select

from app import audit
from app.access import EMAIL_NOT_HERE
from app.admin import services
from app.extensions import db
from app.models import AuditEvent, Role, School, User
from app.passwords import verify_password
from tests.factories import PASSWORD, make_school, make_student, make_user

NEW_PASSWORD = "a long enough password"


def sign_in(client, user) -> None:
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code in (302, 303), "login failed"


def table_row(html: str, text: str) -> list[str]:
    """Return the cell texts of the first table row containing `text`."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if text in row:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]
    raise AssertionError(f"no row with {text!r}")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def events(action: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(stmt))


# Who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.LEAD, "/schools"),
        (Role.TEACHER, "/schools"),
        (Role.LEAD, "/schools/new"),
        (Role.EVALUATOR, "/schools/new"),
        (Role.TEACHER, "/users"),
        (Role.EVALUATOR, "/users"),
        (Role.TEACHER, "/users/new"),
        (Role.EVALUATOR, "/users/new"),
        (Role.LEAD, "/audit"),
        (Role.TEACHER, "/audit"),
        (Role.EVALUATOR, "/audit"),
    ],
)
def test_pages_refuse_roles_they_are_not_for(client, auth, role, path):
    auth.login(make_user(role))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/schools", "/schools/new", "/users", "/users/new", "/audit"])
def test_pages_send_anonymous_visitors_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.TEACHER, Role.EVALUATOR])
def test_teachers_and_evaluators_cannot_deactivate_anyone(client, auth, role):
    colleague = make_user(Role.TEACHER)
    auth.login(make_user(role, school=colleague.school if role.needs_school else None))
    assert client.post(f"/users/{colleague.id}/deactivate").status_code == 403
    db.session.refresh(colleague)
    assert colleague.active


# Schools --------------------------------------------------------------------------------


def test_admin_sees_schools_with_numbers_of_students_and_staff(client, auth):
    busy = make_school("Northfield Academy", urn="123456")
    make_school("Southfield School", urn="654321")
    for _ in range(3):
        make_student(busy)
    make_user(Role.LEAD, school=busy)
    make_user(Role.TEACHER, school=busy)
    make_user(Role.TEACHER, school=busy, active=False)
    auth.login(make_user(Role.ADMIN))

    html = client.get("/schools").get_data(as_text=True)

    assert table_row(html, "Northfield Academy") == ["Northfield Academy", "123456", "3", "2"]
    assert table_row(html, "Southfield School") == ["Southfield School", "654321", "0", "0"]
    assert 'href="/schools/new"' in html


def test_evaluator_sees_counts_but_never_student_names(client, auth):
    school = make_school("Eastfield High", urn="222222")
    make_student(school, first_name="Zebedee", last_name="Quillfeather")
    make_student(school, first_name="Ottoline", last_name="Marchbanks")
    auth.login(make_user(Role.EVALUATOR))

    response = client.get("/schools")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert table_row(html, "Eastfield High")[2] == "2"
    for name in ("Zebedee", "Quillfeather", "Ottoline", "Marchbanks"):
        assert name not in html
    assert "Add a school" not in html


def test_admin_adds_a_school(client, auth):
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    assert client.get("/schools/new").status_code == 200

    response = client.post("/schools/new", data={"name": "  Westfield College ", "urn": "135790"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/schools")
    school = db.session.scalar(select(School).where(School.urn == "135790"))
    assert school.name == "Westfield College"
    follow = client.get("/schools").get_data(as_text=True)
    assert "Added school Westfield College (URN 135790)" in follow
    (event,) = events("school.create")
    assert event.actor_id == admin.id
    assert event.school_id == school.id
    assert event.after == {"urn": "135790", "name": "Westfield College"}


def test_a_taken_urn_is_refused_with_a_clear_message(client, auth):
    make_school("Northfield Academy", urn="123456")
    auth.login(make_user(Role.ADMIN))

    response = client.post("/schools/new", data={"name": "Copycat School", "urn": "123456"})

    assert response.status_code == 200
    assert "URN 123456 is already used by Northfield Academy." in response.get_data(as_text=True)
    assert count(School) == 1
    assert events("school.create") == []


@pytest.mark.parametrize("urn", ["12345", "1234567", "12345a", "abcdef", "12 456", "١٢٣٤٥٦"])
def test_a_malformed_urn_is_refused(client, auth, urn):
    auth.login(make_user(Role.ADMIN))

    response = client.post("/schools/new", data={"name": "New School", "urn": urn})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "A URN is 6 digits, like 123456." in html
    assert 'class="error-summary"' in html
    assert 'aria-invalid="true"' in html
    assert count(School) == 0


def test_school_name_is_required_and_at_most_200_characters(client, auth):
    auth.login(make_user(Role.ADMIN))

    empty = client.post("/schools/new", data={"name": "  ", "urn": "111111"})
    long = client.post("/schools/new", data={"name": "x" * 201, "urn": "111111"})

    assert "Enter the school&#39;s name." in empty.get_data(as_text=True)
    assert "Use at most 200 characters." in long.get_data(as_text=True)
    assert count(School) == 0


def test_school_names_are_escaped(client, auth):
    make_school("<script>alert(1)</script>", urn="999999")
    auth.login(make_user(Role.ADMIN))

    html = client.get("/schools").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Staff accounts -------------------------------------------------------------------------


def test_admin_sees_every_account(client, auth):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    lead = make_user(Role.LEAD, name="Lena Lead")
    make_user(Role.TEACHER, name="Theo Teacher", active=False)
    make_user(Role.EVALUATOR, name="Eve Evaluator")
    auth.login(admin)

    html = client.get("/users").get_data(as_text=True)

    assert table_row(html, "Lena Lead") == [
        "Lena Lead",
        lead.email,
        "Maths Progression Lead",
        lead.school.name,
        "Active",
    ]
    assert table_row(html, "Theo Teacher")[-1] == "Deactivated"
    assert table_row(html, "Eve Evaluator")[2:4] == ["Evaluator", "No school"]
    assert table_row(html, "Ada Admin")[2] == "Programme admin"


def test_lead_sees_only_the_staff_of_their_school(client, auth):
    lead = make_user(Role.LEAD, name="Lena Lead")
    colleague = make_user(Role.TEACHER, school=lead.school, name="Cora Colleague")
    stranger = make_user(Role.TEACHER, name="Sam Stranger")
    admin = make_user(Role.ADMIN, name="Ada Admin")
    auth.login(lead)

    html = client.get("/users").get_data(as_text=True)

    assert colleague.email in html
    assert lead.email in html
    assert stranger.email not in html
    assert "Sam Stranger" not in html
    assert admin.email not in html


def test_admin_creates_a_lead_for_a_school(client, auth):
    admin = make_user(Role.ADMIN)
    school = make_school("Northfield Academy")
    auth.login(admin)
    page = client.get("/users/new").get_data(as_text=True)
    assert '<label for="role">Role</label>' in page
    assert '<label for="school">School</label>' in page
    assert "Northfield Academy" in page

    response = client.post(
        "/users/new",
        data={
            "name": "Lena Lead",
            "email": "  Lena.Lead@Northfield.SCH.uk ",
            "role": "lead",
            "school": str(school.id),
            "password": NEW_PASSWORD,
        },
    )

    assert response.status_code == 303
    lead = db.session.scalar(select(User).where(User.email == "lena.lead@northfield.sch.uk"))
    assert response.headers["Location"].endswith(f"/users/{lead.id}")
    assert (lead.name, lead.role, lead.school_id, lead.active) == (
        "Lena Lead",
        "lead",
        school.id,
        True,
    )
    assert verify_password(lead.password_hash, NEW_PASSWORD)
    (event,) = events("user.create")
    assert event.actor_id == admin.id
    assert event.school_id == school.id
    assert event.after == {
        "email": "lena.lead@northfield.sch.uk",
        "name": "Lena Lead",
        "role": "lead",
        "school_id": school.id,
        "active": True,
    }
    assert lead.password_hash not in str(event.after)


@pytest.mark.parametrize("role", ["admin", "evaluator"])
def test_admin_creates_accounts_without_a_school(client, auth, role):
    auth.login(make_user(Role.ADMIN))

    response = client.post(
        "/users/new",
        data={
            "name": "Pat",
            "email": f"{role}@x.org",
            "role": role,
            "school": "",
            "password": NEW_PASSWORD,
        },
    )

    assert response.status_code == 303
    account = db.session.scalar(select(User).where(User.email == f"{role}@x.org"))
    assert (account.role, account.school_id) == (role, None)


def test_school_is_required_for_leads_and_teachers_and_refused_for_the_others(client, auth):
    school = make_school()
    auth.login(make_user(Role.ADMIN))
    base = {"name": "Pat", "email": "pat@x.org", "password": NEW_PASSWORD}

    teacher = client.post("/users/new", data={**base, "role": "teacher", "school": ""})
    evaluator = client.post(
        "/users/new", data={**base, "role": "evaluator", "school": str(school.id)}
    )
    unknown = client.post("/users/new", data={**base, "role": "lead", "school": "999999"})

    assert "Choose the school: Teacher accounts belong to one school." in teacher.get_data(
        as_text=True
    )
    assert "Leave the school empty: Evaluator accounts are not tied to a school." in (
        evaluator.get_data(as_text=True)
    )
    assert unknown.status_code == 200
    assert db.session.scalar(select(User).where(User.email == "pat@x.org")) is None


def test_email_must_be_unique_ignoring_case(client, auth):
    make_user(Role.TEACHER, email="taken@school.org")
    auth.login(make_user(Role.ADMIN))

    response = client.post(
        "/users/new",
        data={
            "name": "Pat",
            "email": "TAKEN@School.org",
            "role": "admin",
            "password": NEW_PASSWORD,
        },
    )

    assert "An account with this email already exists" in response.get_data(as_text=True)
    assert count(User) == 2


@pytest.mark.parametrize("where", ["another school", "no school"])
def test_a_lead_is_not_told_where_a_taken_email_is(client, auth, where):
    elsewhere = make_school("Elsewhere High")
    if where == "another school":
        make_user(Role.TEACHER, elsewhere, email="taken@school.org", name="Hidden Person")
    else:
        make_user(Role.EVALUATOR, email="taken@school.org", name="Hidden Person")
    lead = make_user(Role.LEAD)
    auth.login(lead)

    response = client.post(
        "/users/new",
        data={"name": "Pat", "email": "Taken@School.org", "password": NEW_PASSWORD},
    )

    html = response.get_data(as_text=True)
    # The same words wherever the account is, and nothing about it.
    assert EMAIL_NOT_HERE in html
    assert "already exists" not in html
    assert "Elsewhere High" not in html and "Hidden Person" not in html
    assert count(User) == 2


def test_a_lead_is_told_plainly_about_their_own_schools_account(client, auth):
    lead = make_user(Role.LEAD)
    make_user(Role.TEACHER, lead.school, email="colleague@school.org")
    auth.login(lead)

    response = client.post(
        "/users/new",
        data={"name": "Pat", "email": "colleague@school.org", "password": NEW_PASSWORD},
    )

    assert "An account with this email already exists at your school." in response.get_data(
        as_text=True
    )
    assert count(User) == 2


def test_password_needs_at_least_10_characters(client, auth):
    auth.login(make_user(Role.ADMIN))

    response = client.post(
        "/users/new",
        data={"name": "Pat", "email": "pat@x.org", "role": "admin", "password": "short"},
    )

    html = response.get_data(as_text=True)
    assert "Use at least 10 characters." in html
    assert "At least 10 characters." in html  # the hint
    assert 'value="short"' not in html
    assert db.session.scalar(select(User).where(User.email == "pat@x.org")) is None


def test_lead_creates_a_teacher_in_their_own_school(client, auth):
    lead = make_user(Role.LEAD)
    auth.login(lead)
    page = client.get("/users/new").get_data(as_text=True)
    assert 'name="role"' not in page
    assert 'name="school"' not in page
    assert f"a teacher at {lead.school.name}" in page

    response = client.post(
        "/users/new",
        data={"name": "Tess Teacher", "email": "tess@school.org", "password": NEW_PASSWORD},
    )

    assert response.status_code == 303
    teacher = db.session.scalar(select(User).where(User.email == "tess@school.org"))
    assert (teacher.role, teacher.school_id) == ("teacher", lead.school_id)
    assert events("user.create")[0].actor_id == lead.id


@pytest.mark.parametrize("role", ["admin", "lead", "evaluator"])
def test_lead_cannot_create_other_roles_or_other_schools_by_forging_the_form(client, auth, role):
    lead = make_user(Role.LEAD)
    other_school = make_school()
    auth.login(lead)

    response = client.post(
        "/users/new",
        data={
            "name": "Sneaky",
            "email": "sneaky@school.org",
            "role": role,
            "school": str(other_school.id),
            "password": NEW_PASSWORD,
        },
    )

    assert response.status_code == 303
    account = db.session.scalar(select(User).where(User.email == "sneaky@school.org"))
    assert (account.role, account.school_id) == ("teacher", lead.school_id)


def test_service_refuses_a_lead_creating_anything_but_a_teacher_of_their_school(app):
    lead = make_user(Role.LEAD)
    for role, school_id in ((Role.ADMIN, None), (Role.TEACHER, make_school().id)):
        with pytest.raises(PermissionError):
            services.create_user(
                lead,
                email="x@y.org",
                name="X",
                role=role,
                school_id=school_id,
                password=NEW_PASSWORD,
            )


def test_account_page_shows_the_account(client, auth):
    lead = make_user(Role.LEAD)
    teacher = make_user(Role.TEACHER, school=lead.school, name="Tess Teacher")
    auth.login(lead)

    html = client.get(f"/users/{teacher.id}").get_data(as_text=True)

    assert "Tess Teacher" in html
    assert teacher.email in html
    assert f'action="/users/{teacher.id}/deactivate"' in html
    assert 'name="csrf_token"' in html


def test_lead_gets_404_for_another_schools_account(client, auth):
    lead = make_user(Role.LEAD)
    stranger = make_user(Role.TEACHER)
    auth.login(lead)

    assert client.get(f"/users/{stranger.id}").status_code == 404
    assert client.post(f"/users/{stranger.id}/deactivate").status_code == 404
    db.session.refresh(stranger)
    assert stranger.active
    assert events("user.deactivate") == []


def test_lead_cannot_deactivate_another_lead_of_their_school(client, auth):
    lead = make_user(Role.LEAD)
    co_lead = make_user(Role.LEAD, school=lead.school)
    auth.login(lead)

    page = client.get(f"/users/{co_lead.id}").get_data(as_text=True)
    response = client.post(f"/users/{co_lead.id}/deactivate")

    assert "Deactivate account" not in page
    assert response.status_code == 403
    db.session.refresh(co_lead)
    assert co_lead.active


def test_admin_cannot_deactivate_themselves(client, auth):
    admin = make_user(Role.ADMIN)
    auth.login(admin)

    assert "Deactivate account" not in client.get(f"/users/{admin.id}").get_data(as_text=True)
    assert client.post(f"/users/{admin.id}/deactivate").status_code == 403
    db.session.refresh(admin)
    assert admin.active


def test_deactivated_account_cannot_sign_in_and_its_open_session_ends(app, client):
    teacher = make_user(Role.TEACHER)
    lead = make_user(Role.LEAD, school=teacher.school)
    sign_in(client, teacher)
    assert client.get("/students/").status_code == 200
    version = teacher.session_version

    lead_client = app.test_client()
    sign_in(lead_client, lead)
    response = lead_client.post(f"/users/{teacher.id}/deactivate")

    assert response.status_code == 303
    db.session.refresh(teacher)
    assert (teacher.active, teacher.session_version) == (False, version + 1)
    assert "signed out everywhere" in lead_client.get(f"/users/{teacher.id}").get_data(as_text=True)
    ended = client.get("/students/")
    assert ended.status_code == 302
    assert "/login" in ended.headers["Location"]
    refused = client.post("/login", data={"email": teacher.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert "do not match an active account" in refused.get_data(as_text=True)
    (event,) = events("user.deactivate")
    assert (event.actor_id, event.entity_id) == (lead.id, teacher.id)
    assert (event.before, event.after) == ({"active": True}, {"active": False})


def test_reactivated_account_can_sign_in_again(client, auth):
    admin = make_user(Role.ADMIN)
    teacher = make_user(Role.TEACHER, active=False)
    auth.login(admin)

    response = client.post(f"/users/{teacher.id}/reactivate")

    assert response.status_code == 303
    db.session.refresh(teacher)
    assert teacher.active
    auth.logout()
    sign_in(client, teacher)
    (event,) = events("user.reactivate")
    assert (event.before, event.after) == ({"active": False}, {"active": True})


# Audit log ------------------------------------------------------------------------------


def test_audit_log_shows_the_writes_newest_first_with_before_and_after(client, auth):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    auth.login(admin)
    client.post("/schools/new", data={"name": "Northfield Academy", "urn": "123456"})
    school = db.session.scalar(select(School).where(School.urn == "123456"))
    client.post(
        "/users/new",
        data={
            "name": "Tess Teacher",
            "email": "tess@school.org",
            "role": "teacher",
            "school": str(school.id),
            "password": NEW_PASSWORD,
        },
    )
    teacher = db.session.scalar(select(User).where(User.email == "tess@school.org"))
    client.post(f"/users/{teacher.id}/deactivate")

    html = client.get("/audit").get_data(as_text=True)

    table = html[html.index("<tbody>") :]  # after the flashed messages
    deactivated = table.index("Deactivated account tess@school.org")
    created = table.index("Added Teacher account tess@school.org")
    added_school = table.index("Added school Northfield Academy (URN 123456)")
    assert deactivated < created < added_school
    row = table_row(html, "Deactivated account tess@school.org")
    assert row[1:4] == ["Ada Admin", "Northfield Academy", "user.deactivate"]
    assert html.count("<details>") == 3
    assert re.search(r"<td>active</td>\s*<td>True</td>\s*<td>False</td>", html)
    assert "$argon2" not in html
    assert '<th scope="col">When</th>' in html


def test_audit_log_filters_by_school(client, auth):
    admin = make_user(Role.ADMIN)
    north, south = make_school("Northfield"), make_school("Southfield")
    audit.record(admin, "note", north, school_id=north.id, summary="About the north")
    audit.record(admin, "note", south, school_id=south.id, summary="About the south")
    auth.login(admin)

    everything = client.get("/audit").get_data(as_text=True)
    filtered = client.get(f"/audit?school={north.id}").get_data(as_text=True)

    assert "About the north" in everything and "About the south" in everything
    assert "About the north" in filtered
    assert "About the south" not in filtered
    assert '<label for="school">School</label>' in filtered


def test_audit_filter_answers_htmx_with_the_results_only(client, auth):
    admin = make_user(Role.ADMIN)
    school = make_school()
    audit.record(admin, "note", school, school_id=school.id, summary="A note")
    auth.login(admin)

    response = client.get(f"/audit?school={school.id}", headers={"HX-Request": "true"})

    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="audit-results">')
    assert "A note" in html
    assert "<html" not in html


def test_audit_log_is_paginated_by_50(client, auth):
    admin = make_user(Role.ADMIN)
    for n in range(51):
        audit.record(admin, "note", admin, summary=f"Entry number {n:02d}.")
    auth.login(admin)

    first = client.get("/audit").get_data(as_text=True)
    second = client.get("/audit?page=2").get_data(as_text=True)

    assert "Entry number 50." in first and "Entry number 01." in first
    assert "Entry number 00." not in first
    assert "Entry number 00." in second
    assert "Page 1 of 2" in first


# Fixed numbers of queries ---------------------------------------------------------------


def queries_to_get(client, count_queries, path: str) -> int:
    db.session.commit()
    with count_queries() as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def add_audited_writes(admin_id: int, n: int) -> None:
    for _ in range(n):
        school = make_school()
        lead = make_user(Role.LEAD, school=school)
        audit.record(lead, "note", school, school_id=school.id, before={"a": 1}, after={"a": 2})


def test_audit_page_runs_a_fixed_number_of_queries(client, auth, count_queries):
    admin = make_user(Role.ADMIN)
    admin_id = admin.id
    auth.login(admin)
    add_audited_writes(admin_id, 3)
    few = queries_to_get(client, count_queries, "/audit")
    add_audited_writes(admin_id, 27)
    many = queries_to_get(client, count_queries, "/audit")
    assert few == many


def test_users_list_runs_a_fixed_number_of_queries(client, auth, count_queries):
    auth.login(make_user(Role.ADMIN))
    for _ in range(3):
        make_user(Role.TEACHER)
    few = queries_to_get(client, count_queries, "/users")
    for _ in range(27):
        make_user(Role.TEACHER)
    many = queries_to_get(client, count_queries, "/users")
    assert few == many


def test_schools_list_runs_a_fixed_number_of_queries(client, auth, count_queries):
    auth.login(make_user(Role.EVALUATOR))

    def add_schools(n: int) -> None:
        for _ in range(n):
            school = make_school()
            make_student(school)
            make_user(Role.TEACHER, school=school)

    add_schools(3)
    few = queries_to_get(client, count_queries, "/schools")
    add_schools(27)
    many = queries_to_get(client, count_queries, "/schools")
    assert few == many
