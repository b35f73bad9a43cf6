"""The demo's support: interventions of every kind with their registers, and competition
results (see tracking.demo)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app import academic
from app.extensions import db
from app.models import Group, School, Student
from tracking.demo.progression import Seeder
from tracking.models import Attendance, CompetitionResult, Intervention

# UKMT individual challenges, by the year group that may sit each (ukmt.org.uk): Junior Y8 and
# below (late April), Intermediate Y9-11 (early February), Senior Y12-13 (early October).
# Entered here: Year 8 (Junior), Years 9 and 10 (Intermediate), Year 12 (Senior).
UKMT_ENTRIES = ((8, (4, 29)), (9, (2, 5)), (10, (2, 5)), (12, (10, 7)))


def ukmt_challenge(year_group: int) -> str:
    """The UKMT challenge a student of `year_group` may sit."""
    if year_group <= 8:
        return "UKMT Junior Maths Challenge"
    return (
        "UKMT Intermediate Maths Challenge" if year_group <= 11 else "UKMT Senior Maths Challenge"
    )


def kangaroo(title: str, year_group: int) -> str:
    """The follow-on round a gold certificate of `title` leads to for `year_group`: Junior
    Kangaroo, Grey Kangaroo (Intermediate, Y9 and below), Pink (Y10-11), Senior Kangaroo."""
    if "Junior" in title:
        return "Junior Kangaroo"
    if "Senior" in title:
        return "Senior Kangaroo"
    return "Grey Kangaroo" if year_group <= 9 else "Pink Kangaroo"


def _last(day: date, today: date) -> date:
    """The challenge's most recent day on or before `today` (a weekday)."""
    if day > today:
        day = day.replace(year=day.year - 1)
    return day - timedelta(days=max(0, day.weekday() - 4))


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
    for year_then, (month, day) in UKMT_ENTRIES:
        held_on = _last(date(today.year, month, day), today)
        year_now = year_then + academic.academic_year(today) - academic.academic_year(held_on)
        title = ukmt_challenge(year_then)
        plan.append(
            (f"{year_now}X1", "enrichment", "ukmt_challenge", title, 60, "UKMT", None, [held_on])
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
        follow_on = kangaroo(title, student.year_group(day))
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
