"""`flask demo` gives every year group a believable history and the outcomes data."""

from datetime import date

from sqlalchemy import func, select

from app import demo
from app.extensions import db
from app.models import School, Student
from tracking.cli import outcomes_for
from tracking.models import (
    Attendance,
    CompetitionResult,
    Destination,
    GradeRecord,
    Intervention,
    Post16Record,
    StudentNote,
)

TODAY = date(2026, 11, 23)


def test_demo_histories_for_every_year_group_and_past_cohorts(app, client, auth):
    demo.seed(students_per_year=8, today=TODAY)
    db.session.commit()
    kinds = dict(
        db.session.execute(
            select(GradeRecord.qualification, func.count()).group_by(GradeRecord.qualification)
        ).all()
    )
    assert {"ks3_maths", "gcse_maths", "a_level_maths"} <= set(kinds)
    for model in (
        Post16Record,
        Destination,
        Intervention,
        Attendance,
        CompetitionResult,
        StudentNote,
    ):
        assert db.session.scalar(select(func.count()).select_from(model)) > 0, model
    # Every year group still at school has grades.
    rows = db.session.execute(
        select(Student.entry_year, func.count(GradeRecord.id))
        .join(GradeRecord, GradeRecord.student_id == Student.id)
        .where(Student.left_on.is_(None))
        .group_by(Student.entry_year)
    ).all()
    assert len(rows) == 7
    result = outcomes_for(None, None, False)
    assert result["gcse_7_to_9"]["denominator"] > 0
    assert result["a_level_top_grades"]["maths"]["denominator"] > 0
    assert result["maths_degree"]["mathematics"]["denominator"] > 0
    # The pages show it.
    client.post("/login", data={"email": "lead@northfield.example", "password": demo.DEMO_PASSWORD})
    year_12 = db.session.scalar(
        select(Student.id)
        .join(School)
        .where(School.urn == "137001", Student.entry_year == 2021)
        .limit(1)
    )
    for url in (f"/students/{year_12}/timeline", "/interventions", "/attention"):
        assert client.get(url).status_code == 200, url
