"""The demo's support: interventions of every kind with their registers, and competition
results (see tracking.demo)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.extensions import db
from app.models import Group, School, Student
from tracking.demo.progression import Seeder
from tracking.models import Attendance, CompetitionResult, Intervention


def interventions(seeder: Seeder, school: School, groups: dict[str, Group], lead_id) -> None:
    """Interventions of every kind with their registers, and the results of the UKMT
    challenges: each intervention is flushed for its id, the rest goes to `seeder.rows`."""
    rng, today = seeder.rng, seeder.today
    start = today - timedelta(days=70)
    plan = []  # (group name, type, subtype, title, minutes, provider, mentor, dates)
    weekly = [start + timedelta(days=7 * i) for i in range(8)]
    plan.append(("Year 11 booster", "ks4_booster", None, "Year 11 booster", 50, None, None, weekly))
    plan.append(
        (
            "Year 10 booster",
            "small_group",
            None,
            "Year 10 small-group support",
            40,
            None,
            None,
            weekly[::2],
        )
    )
    plan.append(
        (
            "Year 11 booster",
            "peer_mentoring",
            None,
            "Sixth-form peer mentoring",
            30,
            None,
            "Year 13 mentors",
            weekly[1::3],
        )
    )
    plan.append(
        (
            "11X1",
            "extension_course",
            None,
            "Level 2 Further Maths",
            60,
            "AQA course, taught in school",
            None,
            weekly[::2],
        )
    )
    plan.append(
        (
            "9X1",
            "enrichment",
            "ukmt_challenge",
            "UKMT Junior Maths Challenge",
            60,
            "UKMT",
            None,
            [start + timedelta(days=20)],
        )
    )
    plan.append(
        (
            "10X1",
            "enrichment",
            "ukmt_challenge",
            "UKMT Intermediate Maths Challenge",
            60,
            "UKMT",
            None,
            [start + timedelta(days=21)],
        )
    )
    plan.append(
        (
            "8X1",
            "enrichment",
            "maths_circle",
            "Maths circle",
            90,
            "University of Leeds",
            None,
            weekly[1::4],
        )
    )
    plan.append(
        (
            "12X1",
            "enrichment",
            "university_visit",
            "Maths department visit",
            240,
            "University of Manchester",
            None,
            [start + timedelta(days=30)],
        )
    )
    for group_name, kind, subtype, title, minutes, provider, mentor, days in plan:
        group = groups.get(group_name)
        if group is None:
            continue
        for day in days:
            intervention = Intervention(
                school_id=school.id,
                type=kind,
                subtype=subtype,
                title=title,
                held_on=day,
                duration_minutes=minutes,
                provider=provider,
                mentor=mentor,
                group_id=group.id,
                created_by_id=lead_id,
            )
            db.session.add(intervention)
            db.session.flush()
            for student in group.students:
                roll = rng.random()
                status = "present" if roll < 0.84 else "absent" if roll < 0.94 else "excused"
                seeder.rows.append(
                    Attendance(
                        intervention_id=intervention.id,
                        student_id=student.id,
                        status=status,
                        marked_by_id=lead_id,
                        marked_at=datetime.combine(day, time(15, 30)),
                    )
                )
                if subtype == "ukmt_challenge" and status == "present":
                    _competition(seeder, student, title, day)


def _competition(seeder: Seeder, student: Student, title: str, day: date) -> None:
    roll = seeder.rng.random() + (0.15 if student.is_target else 0)
    award = "gold" if roll > 0.9 else "silver" if roll > 0.7 else "bronze" if roll > 0.45 else None
    if award is None:
        return
    follow_on = None
    if award == "gold":
        follow_on = "Junior Kangaroo" if "Junior" in title else "Grey Kangaroo"
    seeder.rows.append(
        CompetitionResult(
            student_id=student.id,
            competition=title,
            taken_on=day,
            award=award,
            follow_on=follow_on,
            source="imported",
        )
    )
