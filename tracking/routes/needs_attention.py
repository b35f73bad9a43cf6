"""The "Needs attention" page: target students on roll and the reasons from tracking.attention."""

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
from tracking import attention, queries
from tracking.routes import bp


@bp.get("/attention", endpoint="attention")
@permission_required("students.view")
def attention_list():
    today = date.today()
    targets = scoped(current_user, Student).where(Student.is_target.is_(True), Student.on_roll())
    flagged = attention.needs_attention(queries.outcome_data(targets), today)
    students = (
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
        ((students[sid], found) for sid, found in flagged.items() if sid in students),
        key=lambda row: (row[0].school.name, row[0].entry_year, row[0].last_name, row[0].id),
    )
    return render("tracking/attention.html", rows=rows, today=today)
