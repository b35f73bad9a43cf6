"""The permission matrix (app/permissions.py): for every role and every action, a request that
performs the action is allowed (not 403) or refused with 403, exactly as the matrix says. An
action added without a request here fails; so does a route that names no action."""

import re
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.imports import uploads
from app.models import Role
from app.permissions import ACTIONS, allows, can, endpoint_action, markdown_table
from surveys import services as surveys
from surveys.instruments import load_all
from tests.factories import make_group, make_intervention, make_school, make_student, make_user
from tracking.profiles.models import ProfileJob

README = Path(__file__).resolve().parents[2] / "README.md"

# Routes anyone may open without signing in: the sign-in page, the students' survey pages
# (they have no accounts), the health check and static files.
PUBLIC = {
    "auth.login",
    "main.healthz",
    "surveys.join",
    "surveys.take",
    "surveys.save_answer",
    "surveys.submit",
    "surveys.done",
}


def _world() -> dict:
    """One school with one of everything an action's request names, and a user per role."""
    school = make_school("Home School")
    users = {
        Role.ADMIN: make_user(Role.ADMIN),
        Role.EVALUATOR: make_user(Role.EVALUATOR),
        Role.LEAD: make_user(Role.LEAD, school),
        Role.TEACHER: make_user(Role.TEACHER, school),
    }
    student = make_student(school, year_group=10)
    group = make_group(school, name="10X1", students=[student])
    intervention = make_intervention(school, group)
    session = surveys.open_session(users[Role.TEACHER], group, load_all()["enjoyment"])
    uploads.store_upload(users[Role.LEAD], "roster", "roster.csv", b"upn\n")
    db.session.commit()
    return {
        "users": users,
        "student": student.id,
        "group": group.id,
        "intervention": intervention.id,
        "session": session.id,
    }


# Action -> (method, url from the world, form data): one request that performs the action.
REQUESTS = {
    "account.use": ("GET", lambda w: "/", {}),
    "programme.view": ("GET", lambda w: "/schools", {}),
    "schools.manage": ("GET", lambda w: "/schools/new", {}),
    "subjects.manage": ("GET", lambda w: "/destinations/maths-related", {}),
    "benchmarks.view": ("GET", lambda w: "/benchmarks/", {}),
    "benchmarks.manage": ("GET", lambda w: "/benchmarks/new", {}),
    "staff.manage": ("GET", lambda w: "/users", {}),
    "audit.view": ("GET", lambda w: "/audit", {}),
    "students.view": ("GET", lambda w: f"/students/{w['student']}", {}),
    "students.edit": ("GET", lambda w: f"/students/{w['student']}/edit", {}),
    "students.mark_target": (
        "POST",
        lambda w: f"/students/{w['student']}/target",
        {"is_target": "1"},
    ),
    "students.move": ("GET", lambda w: f"/students/{w['student']}/move", {}),
    "groups.view": ("GET", lambda w: f"/groups/{w['group']}", {}),
    "groups.manage": (
        "POST",
        lambda w: f"/groups/{w['group']}/edit",
        {"name": "10X1 renamed", "kind": "class"},
    ),
    "groups.delete": ("POST", lambda w: f"/groups/{w['group']}/delete", {}),
    "imports.run": ("GET", lambda w: "/students/import/", {}),
    "sessions.run": ("GET", lambda w: f"/surveys/{w['session']}", {}),
    "interventions.view": ("GET", lambda w: f"/interventions/{w['intervention']}", {}),
    "interventions.manage": ("POST", lambda w: f"/interventions/{w['intervention']}/delete", {}),
    "registers.take": ("GET", lambda w: f"/interventions/{w['intervention']}/register", {}),
    "grades.enter": ("GET", lambda w: "/results", {}),
    "login_cards.print": ("GET", lambda w: f"/groups/{w['group']}/cards.pdf", {}),
    "profiles.export": ("GET", lambda w: "/profiles", {}),
    "profiles.sensitive": ("POST", lambda w: f"/groups/{w['group']}/profiles", {"sensitive": "1"}),
}
# Actions checked inside a route rather than by its decorator: the route their request uses.
CHECKED_INSIDE = {"profiles.sensitive": "profiles.export"}


def _endpoint(method: str, url: str) -> str:
    return current_app.url_map.bind("localhost").match(url, method=method)[0]


def test_every_action_has_a_request_and_every_request_an_action():
    assert set(REQUESTS) == set(ACTIONS)


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_role_may_do_exactly_what_the_matrix_says(client, auth, role, action):
    world = _world()
    method, url_for_world, data = REQUESTS[action]
    url = url_for_world(world)
    # The request performs this action: its route requires it (or checks it inside).
    assert endpoint_action(_endpoint(method, url)) == CHECKED_INSIDE.get(action, action)
    auth.login(world["users"][role])
    response = client.open(url, method=method, data=data)
    if allows(role, action):
        assert response.status_code != 403, (role, action)
        assert response.status_code < 400, (role, action, response.status_code)
    else:
        assert response.status_code == 403, (role, action, response.status_code)
        assert "Your account cannot open this page" in response.get_data(as_text=True)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_anonymous_visitors_are_sent_to_sign_in(client, action):
    method, url_for_world, data = REQUESTS[action]
    response = client.open(url_for_world(_world()), method=method, data=data)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_every_route_but_the_public_ones_names_an_action_of_the_matrix(app, client):
    named, public = set(), set()
    for rule in app.url_map.iter_rules():
        action = endpoint_action(rule.endpoint)
        if action is not None:
            assert action in ACTIONS, (rule.rule, action)
            named.add(action)
        elif rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        else:
            assert rule.endpoint in PUBLIC, f"{rule.rule} names no action: give it one"
            public.add(rule.endpoint)
    assert public == PUBLIC
    # Every action is some route's, but those checked inside a route.
    assert set(ACTIONS) - named == set(CHECKED_INSIDE)
    # The public pages really are: none sends an anonymous visitor to sign in.
    for endpoint in ("auth.login", "surveys.join", "main.healthz"):
        rule = next(app.url_map.iter_rules(endpoint))
        assert client.get(rule.rule).status_code == 200, endpoint


def test_the_readme_table_is_the_matrix():
    readme = README.read_text(encoding="utf-8")
    assert markdown_table() in readme
    rows = re.findall(r"^\| `([a-z_.]+)` \|", readme, re.M)
    assert rows == list(ACTIONS)


def test_can_is_false_for_anonymous_users_and_refuses_unknown_actions(app):
    assert not can(None, "students.view")
    with pytest.raises(KeyError):
        can(None, "students.fly")
    with pytest.raises(KeyError):
        allows(Role.ADMIN, "students.fly")


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_teacher_is_not_offered_what_they_may_not_do(client, auth):
    world = _world()
    auth.login(world["users"][Role.TEACHER])
    group_page = _page(client, f"/groups/{world['group']}")
    student_page = _page(client, f"/students/{world['student']}")
    roster = _page(client, "/students/")
    for hidden in ("Delete this group", "Print login cards", "Include sensitive flags"):
        assert hidden not in group_page
    assert "Export profiles (zip)" in group_page and "Save group" in group_page
    for hidden in ("Edit details", "Mark as target student", "Include sensitive flags"):
        assert hidden not in student_page
    assert "Not a target student" in student_page and "Download PDF profile" in student_page
    assert "Include sensitive flags" not in _page(client, "/profiles")
    assert "Add a student" not in roster and "Import from the MIS" not in roster
    assert ">Import<" not in roster and ">Staff<" not in roster and ">Results day<" in roster


def test_a_lead_is_offered_all_of_it(client, auth):
    world = _world()
    auth.login(world["users"][Role.LEAD])
    group_page = _page(client, f"/groups/{world['group']}")
    student_page = _page(client, f"/students/{world['student']}")
    roster = _page(client, "/students/")
    for shown in ("Delete this group", "Print login cards", "Include sensitive flags"):
        assert shown in group_page
    for shown in ("Edit details", "Mark as target student", "Include sensitive flags"):
        assert shown in student_page
    assert "Move to another school" not in student_page
    assert "Add a student" in roster and "Import from the MIS" in roster


def test_a_teacher_asking_for_sensitive_flags_is_refused_and_nothing_is_exported(client, auth):
    world = _world()
    auth.login(world["users"][Role.TEACHER])
    pdf = client.get(f"/students/{world['student']}/profile.pdf?sensitive=1")
    assert pdf.status_code == 403
    forged = client.post(f"/groups/{world['group']}/profiles", data={"sensitive": "on"})
    assert forged.status_code == 403
    targets = client.post("/profiles/targets", data={"sensitive": "1"})
    assert targets.status_code == 403
    assert db.session.scalars(select(ProfileJob)).all() == []
    plain = client.post(f"/groups/{world['group']}/profiles", data={})
    assert plain.status_code == 303
    assert [job.sensitive for job in db.session.scalars(select(ProfileJob))] == [False]


def test_a_lead_exports_with_sensitive_flags(client, auth):
    world = _world()
    auth.login(world["users"][Role.LEAD])
    response = client.post(f"/groups/{world['group']}/profiles", data={"sensitive": "1"})
    assert response.status_code == 303
    assert [job.sensitive for job in db.session.scalars(select(ProfileJob))] == [True]
