""" "On roll" is one rule (Student.on_roll): a leaving date still to come keeps a student on
roll everywhere, a leaving date past takes them off everywhere."""

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Role, Student
from surveys import services
from surveys.instruments import load_all
from tests.factories import make_group, make_school, make_student, make_user
from tests.profiles.conftest import pdf_text


def test_the_rule_reads_the_same_in_python_and_in_sql(app):
    school = make_school()
    today = date.today()
    staying = make_student(school, left_on=None)
    leaving = make_student(school, left_on=today + timedelta(days=30))
    leaves_today = make_student(school, left_on=today)
    left = make_student(school, left_on=today - timedelta(days=1))
    db.session.commit()
    in_python = {s.id for s in (staying, leaving, leaves_today, left) if s.on_roll()}
    in_sql = set(db.session.scalars(select(Student.id).where(Student.on_roll())))
    assert in_python == in_sql == {staying.id, leaving.id}
    # On a day in the past, the one who has since left was still on roll.
    assert left.on_roll(today - timedelta(days=2))
    assert set(
        db.session.scalars(select(Student.id).where(Student.on_roll(today - timedelta(days=2))))
    ) == {staying.id, leaving.id, leaves_today.id, left.id}


def test_leaving_next_month_joins_and_gets_a_card_left_yesterday_does_neither(app, client, auth):
    school = make_school()
    today = date.today()
    leaving = make_student(school, last_name="Leavingsoon", left_on=today + timedelta(days=30))
    left = make_student(school, last_name="Leftyesterday", left_on=today - timedelta(days=1))
    group = make_group(school, name="11X1", students=[leaving, left])
    lead = make_user(Role.LEAD, school)
    survey = services.open_session(lead, group, load_all()["enjoyment"])
    db.session.commit()

    def join(student):
        return client.post(
            "/join", data={"class_code": survey.class_code, "personal_code": student.survey_code}
        )

    assert join(leaving).headers.get("Location") == "/join/survey"
    with client.session_transaction() as browser:
        browser.clear()  # the next student on the same device
    refused = join(left)
    assert refused.status_code == 422
    assert "Check both codes with your teacher" in refused.get_data(as_text=True)

    auth.login(lead)
    # The personal code is printed spaced out for reading aloud: compare without spaces.
    cards = pdf_text(client.get(f"/groups/{group.id}/cards.pdf").data).replace(" ", "")
    assert "Leavingsoon" in cards and leaving.survey_code in cards
    assert "Leftyesterday" not in cards and left.survey_code not in cards
