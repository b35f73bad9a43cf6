"""The "Needs attention" page: target students and the reasons from tracking.attention."""

import dataclasses
from datetime import date, datetime

import pytest

from app.academic import academic_year
from app.extensions import db
from app.models import Role
from surveys import services as surveys
from surveys.services import ScaleHistory, ScorePoint
from tests.factories import make_school, make_student, make_user
from tracking import services
from tracking.models import Post16Record


def _history(key: str, title: str, points: list) -> ScaleHistory:
    # The surveys area may add fields (such as the scale's range); fill them in plausibly.
    names = {f.name for f in dataclasses.fields(ScaleHistory)}
    extra = {k: v for k, v in {"low": 1, "high": 5}.items() if k in names}
    return ScaleHistory(key=key, title=title, points=points, **extra)


def _falling_enjoyment(student_ids):
    """A batch reader of survey scores in the shape of surveys.services: enjoyment 3.5 then 2.5."""
    points = [
        ScorePoint(1, datetime(2025, 10, 1, 9), "Autumn", "Maths and me", 3.5),
        ScorePoint(2, datetime(2026, 2, 1, 9), "Spring", "Maths and me", 2.5),
    ]
    return {sid: [_history("enjoyment", "Enjoyment", list(points))] for sid in student_ids}


@pytest.fixture
def batch_scores(monkeypatch):
    monkeypatch.setattr(surveys, "scores_for_students", _falling_enjoyment)


def _post16(student):
    services.add_record(
        None,
        student,
        Post16Record,
        {
            "subject": "a_level_maths",
            "status": "considering",
            "provider": None,
            "recorded_on": date(2025, 10, 1),
        },
    )


def test_lists_target_students_with_their_reasons(client, auth, lead_school):
    school, lead, student = lead_school
    services.record_grade(None, student, "gcse_maths", "target", "8", None, date(2025, 9, 10))
    services.record_grade(None, student, "gcse_maths", "predicted", "6", None, date(2025, 10, 10))
    fine = make_student(school, year_group=11, is_target=True, last_name="Fine")
    services.record_grade(None, fine, "gcse_maths", "predicted", "8", None, date(2025, 10, 10))
    _post16(fine)
    _post16(student)
    not_target = make_student(school, year_group=11, last_name="Untargeted")
    services.record_grade(
        None, not_target, "gcse_maths", "predicted", "3", None, date(2025, 10, 10)
    )
    db.session.commit()
    auth.login(lead)
    page = client.get("/attention").get_data(as_text=True)
    assert "Predicted GCSE Maths grade 6 is below the target of 8 and below 7" in page
    assert student.sort_name in page
    assert "Fine" not in page and "Untargeted" not in page
    assert "1 student needs attention." in page


def test_score_falls_come_from_the_surveys(client, auth, lead_school, batch_scores):
    _, lead, student = lead_school
    _post16(student)
    db.session.commit()
    auth.login(lead)
    page = client.get("/attention").get_data(as_text=True)
    assert "Enjoyment fell by 1 (from 3.5 to 2.5)" in page


def test_no_post16_intention_by_spring_of_year_11(client, auth, app):
    school = make_school()
    lead = make_user(Role.LEAD, school)
    today = date.today()
    # Year 12 now: past the spring of Year 11 whatever today's date is.
    student = make_student(school, year_group=12, is_target=True)
    db.session.commit()
    auth.login(lead)
    page = client.get("/attention").get_data(as_text=True)
    assert "No post-16 maths intention recorded" in page
    assert academic_year(today)  # the rule is dated from today's academic year
    _post16(student)
    db.session.commit()
    assert "No target student needs attention today." in client.get("/attention").get_data(
        as_text=True
    )


def test_another_schools_students_are_not_listed(client, auth, lead_school):
    school, lead, _ = lead_school
    other = make_school()
    make_student(other, year_group=12, is_target=True, last_name="Elsewhere")
    admin = make_user(Role.ADMIN)
    db.session.commit()
    auth.login(lead)
    assert "Elsewhere" not in client.get("/attention").get_data(as_text=True)
    auth.logout()
    auth.login(admin)
    assert "Elsewhere" in client.get("/attention").get_data(as_text=True)


def test_attention_loads_in_a_fixed_number_of_queries(client, auth, lead_school, count_queries):
    school, lead, _ = lead_school
    auth.login(lead)
    for _ in range(2):
        services.record_grade(
            None,
            make_student(school, year_group=11, is_target=True),
            "gcse_maths",
            "predicted",
            "5",
            None,
            date(2025, 10, 1),
        )
    db.session.commit()
    with count_queries() as few:
        client.get("/attention")
    for _ in range(27):
        services.record_grade(
            None,
            make_student(school, year_group=11, is_target=True),
            "gcse_maths",
            "predicted",
            "5",
            None,
            date(2025, 10, 1),
        )
    db.session.commit()
    with count_queries() as many:
        page = client.get("/attention").get_data(as_text=True)
    assert len(many) == len(few)
    assert "29 students need attention." in page
