"""Another school's students, records and interventions are 404; evaluators get 403."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Role
from tests.factories import make_group, make_intervention, make_school, make_student, make_user
from tracking import services
from tracking.models import Attendance, GradeRecord, StudentNote


@pytest.fixture
def away(app):
    """Another school with a student who has a grade and a note, and an intervention."""
    school = make_school("Away School")
    student = make_student(school, first_name="Awaychild", year_group=11)
    grade = services.record_grade(
        None, student, "gcse_maths", "target", "8", None, date(2026, 1, 1)
    )
    note = services.add_record(None, student, StudentNote, {"text": "Away secret"})
    group = make_group(school, name="Away set", students=[student])
    intervention = make_intervention(school, group, title="Away booster", held_on=date(2026, 1, 5))
    db.session.commit()
    return {"student": student, "grade": grade, "note": note, "intervention": intervention}


def _routes(away, own_student_id):
    s, g, n, i = away["student"].id, away["grade"].id, away["note"].id, away["intervention"].id
    return [
        ("GET", f"/students/{s}/timeline", {}),
        ("POST", f"/students/{s}/timeline/note", {"new-note-text": "Hacked"}),
        ("GET", f"/students/{s}/timeline/grade/{g}", {}),
        ("GET", f"/students/{s}/timeline/grade/{g}/edit", {}),
        ("POST", f"/students/{s}/timeline/note/{n}/edit", {f"note{n}-text": "Hacked"}),
        ("POST", f"/students/{s}/timeline/grade/{g}/delete", {}),
        # Their record under one of our own students is not found either.
        ("POST", f"/students/{own_student_id}/timeline/grade/{g}/delete", {}),
        ("GET", f"/interventions/{i}", {}),
        ("POST", f"/interventions/{i}", {"title": "Hacked"}),
        ("GET", f"/interventions/{i}/register", {}),
        ("POST", f"/interventions/{i}/register", {"student_id": str(s), "status": "present"}),
    ]


@pytest.mark.parametrize("role", [Role.LEAD, Role.TEACHER])
def test_another_schools_records_are_not_found(client, auth, away, role):
    home = make_school("Home School")
    own = make_student(home)
    user = make_user(role, home)
    auth.login(user)
    for method, url, data in _routes(away, own.id):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, (role, method, url, response.status_code)
        body = response.get_data(as_text=True)
        assert "Awaychild" not in body and "Away secret" not in body
    for url in ("/interventions", "/attention"):
        body = client.get(url).get_data(as_text=True)
        assert "Away booster" not in body and "Awaychild" not in body
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(GradeRecord)) == 1
    assert db.session.get(StudentNote, away["note"].id).text == "Away secret"
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_own_student_cannot_be_marked_on_another_schools_register(client, auth, away):
    home = make_school()
    make_student(home)
    lead = make_user(Role.LEAD, home)
    own_iv = make_intervention(home, title="Home", held_on=date(2026, 1, 5))
    auth.login(lead)
    away_student = away["student"].id
    response = client.post(
        f"/interventions/{own_iv.id}/register",
        data={"student_id": away_student, "status": "present"},
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_evaluators_are_refused_and_anonymous_users_sent_to_sign_in(client, auth, away):
    s = away["student"].id
    urls = [f"/students/{s}/timeline", "/interventions", "/interventions/new", "/attention"]
    for url in urls:
        assert client.get(url).status_code in (302, 303), url
    evaluator = make_user(Role.EVALUATOR)
    auth.login(evaluator)
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_admin_sees_every_school(client, auth, away):
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    s, i = away["student"].id, away["intervention"].id
    assert "Awaychild" in client.get(f"/students/{s}/timeline").get_data(as_text=True)
    assert client.get(f"/interventions/{i}/register").status_code == 200
