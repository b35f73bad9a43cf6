"""The "Needs attention" page: target students on roll and the reasons from tracking.attention,
in a fixed number of queries (tracking.queries.outcome_data and tracking.attention_data)."""

from __future__ import annotations

from datetime import date

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.access import scoped
from app.extensions import db
from app.models import Student
from app.permissions import permission_required
from app.web import render
from tracking import attention, attention_data, queries
from tracking.routes import bp


@bp.get("/attention", endpoint="attention")
@permission_required("students.view")
def attention_list():
    today = date.today()
    targets = scoped(current_user, Student).where(Student.is_target.is_(True), Student.on_roll())
    students = queries.outcome_data(targets)
    chance = attention_data.chance_stats(
        (score for student in students for score in student.survey_scores),
        attention.WATCHED_SCALES,
    )
    flagged = attention.needs_attention(
        students,
        today,
        chance=chance,
        sessions=attention_data.sessions_held(targets, today),
        marks=attention_data.absences(targets),
    )
    found = (
        {
            s.id: s
            for s in db.session.scalars(
                select(Student)
                .where(Student.id.in_(list(flagged)))
                .options(selectinload(Student.school))
            )
        }
        if flagged
        else {}
    )
    rows = sorted(
        ((found[sid], why) for sid, why in flagged.items() if sid in found),
        key=lambda row: (row[0].school.name, row[0].entry_year, row[0].last_name, row[0].id),
    )
    return render("tracking/attention.html", rows=rows, today=today)
