"""Demo progression histories for `flask demo`: grades for every year group, post-16 choices,
UCAS and destinations, interventions with registers, competition results and notes, plus two
past cohorts who have left, so every page and all five outcomes have something real to show.

Seeded after the shell's schools, students and groups (app/demo.py) and the surveys; flushes,
never commits. Rows are plain inserts, not audited: nobody entered them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import academic
from app.demo import target_criteria
from app.extensions import db
from app.models import AuditEvent, Group, Role, School, Student, User
from app.students.baseline import confirm_target_list
from tracking.demo.progression import NOTES, Seeder
from tracking.demo.support import interventions
from tracking.models import StudentNote


def confirm_baselines(school: School, lead: User | None, today: date) -> None:
    """Confirm the target list of every cohort on roll since the programme's first cohorts,
    with the rule it was chosen by (app.demo.target_criteria): in the autumn of Year 7, or
    when the programme began for the cohorts already at school then."""
    start = current_app.config.get("PROGRAMME_START_YEAR", 2024)
    first = max(start - 4, academic.entry_year_for(13, today))
    for entry_year in range(first, academic.academic_year(today) + 1):
        day = min(today, date(max(entry_year, start), 10, 15))
        baseline = confirm_target_list(lead, school, entry_year, target_criteria(entry_year), day)
        for event in db.session.new:  # the audit log says when, as if confirmed on the day
            if isinstance(event, AuditEvent) and (event.action, event.entity_id) == (
                "targets.confirm",
                baseline.id,
            ):
                event.at = datetime.combine(day, time(16, 30))


def seed(today: date) -> None:
    """Add believable progression histories to the demo schools (flushes, never commits)."""
    seeder = Seeder(today)
    rng = seeder.rng
    this_year = academic.academic_year(today)
    staff = db.session.execute(select(User.school_id, User.role, User.id)).all()
    leads = {school_id: uid for school_id, role, uid in staff if role == Role.LEAD}
    teachers = {school_id: uid for school_id, role, uid in staff if role == Role.TEACHER}
    schools = db.session.scalars(select(School).order_by(School.urn)).all()
    leads_by_id = {u.id: u for u in db.session.scalars(select(User).where(User.role == Role.LEAD))}
    for school in schools:
        lead_id, teacher_id = leads.get(school.id), teachers.get(school.id)
        past = [
            s
            for entry_year in (this_year - 8, this_year - 7)
            for s in seeder.past_students(school, entry_year)
        ]
        db.session.flush()
        students = db.session.scalars(
            select(Student).where(Student.school_id == school.id, Student.on_roll())
        ).all()
        for student in [*students, *past]:
            final = seeder.school_history(student, lead_id, teacher_id)
            if student.year_group(today) < 11:
                continue
            enrolled = seeder.choose_post16(student, lead_id, final)
            if final is not None:
                seeder.sixth_form_grades(student, teacher_id, final, enrolled)
            if student.left_on is not None:
                seeder.destination(student, lead_id, enrolled)
            elif student.year_group(today) == 13 and rng.random() < 0.7:
                seeder.ucas(student, lead_id, enrolled, placed=False)
        targets = [s for s in students if s.is_target]
        for student in rng.sample(targets, min(len(targets), 6)):
            for i in range(rng.randint(1, 2)):
                written = today - timedelta(days=rng.randint(3, 120))
                seeder.rows.append(
                    StudentNote(
                        student_id=student.id,
                        text=NOTES[(student.id + i) % len(NOTES)],
                        author_id=lead_id,
                        created_at=datetime.combine(written, time(13, 15)),
                    )
                )
        groups = {
            g.name: g
            for g in db.session.scalars(
                select(Group)
                .where(Group.school_id == school.id)
                .options(selectinload(Group.students))
            )
        }
        interventions(seeder, school, groups, lead_id)
        confirm_baselines(school, leads_by_id.get(lead_id), today)
    for row in seeder.rows:
        # As if entered on the day each record is for, not all at once today.
        if getattr(row, "created_at", None) is None and hasattr(row, "created_at"):
            on = getattr(row, "recorded_on", None) or getattr(row, "taken_on", None)
            if on is not None:
                row.created_at = datetime.combine(on, time(16, 0))
    db.session.add_all(seeder.rows)
    db.session.flush()
