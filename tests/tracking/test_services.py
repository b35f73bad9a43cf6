"""The write services of the tracker: validated, audited, history kept."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Role
from tests.factories import make_group, make_school, make_student, make_user
from tracking import services
from tracking.grades import GradeError
from tracking.models import Attendance, GradeRecord, Post16Record


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_record_grade_normalises_keeps_history_and_audits(app):
    school = make_school()
    lead = make_user(Role.LEAD, school)
    student = make_student(school, year_group=11)
    first = services.record_grade(
        lead, student, "gcse_maths", "predicted", " 6 ", "Higher", date(2026, 1, 10)
    )
    second = services.record_grade(
        lead, student, "gcse_maths", "predicted", 7, None, date(2026, 3, 1)
    )
    assert (first.grade, first.tier, first.source, first.entered_by_id) == (
        "6",
        "higher",
        "entered",
        lead.id,
    )
    assert second.id != first.id and _count(GradeRecord) == 2
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["grade_records.create"] * 2
    assert events[0].after["grade"] == "6" and events[0].school_id == school.id


def test_imported_grade_without_actor_is_audited_as_command_line(app):
    school = make_school()
    student = make_student(school, year_group=13)
    record = services.record_grade(
        None, student, "a_level_maths", "final", "a*", None, date(2026, 8, 13), "imported"
    )
    assert (record.grade, record.source, record.entered_by_id) == ("A*", "imported", None)
    assert db.session.scalar(select(AuditEvent.actor_label)) == "command line"


@pytest.mark.parametrize(
    ("qualification", "kind", "grade", "tier", "message"),
    [
        ("gcse_maths", "mock", "6", "foundation", "Grade 6 is not on the foundation tier (5-1, U)"),
        ("as_maths", "predicted", "A*", None, "A* is not an AS Maths grade (A-E, U)"),
        ("gcse_maths", "final", "7", None, "Choose the tier (foundation or higher) for a final"),
        ("a_level_maths", "target", "A", "higher", "A tier applies only to GCSE Maths"),
        ("gcse_maths", "guess", "7", None, "Unknown kind of grade 'guess'"),
    ],
)
def test_a_grade_off_its_scale_is_refused_and_nothing_stored(
    app, qualification, kind, grade, tier, message
):
    school = make_school()
    student = make_student(school)
    with pytest.raises(GradeError, match=re.escape(message)):
        services.record_grade(None, student, qualification, kind, grade, tier, date(2026, 1, 1))
    assert _count(GradeRecord) == 0 and _count(AuditEvent) == 0


def test_correcting_a_grade_revalidates_and_audits_before_and_after(app):
    school = make_school()
    lead = make_user(Role.LEAD, school)
    student = make_student(school)
    record = services.record_grade(
        lead, student, "ks3_maths", "working_at", "5", None, date(2026, 1, 1)
    )
    with pytest.raises(GradeError):
        services.update_grade(lead, record, {"grade": "A"})
    db.session.refresh(record)
    assert services.update_grade(lead, record, {"grade": "6"})
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "grade_records.update")
    ).one()
    assert (event.before, event.after) == ({"grade": "5"}, {"grade": "6"})
    assert not services.update_grade(lead, record, {"grade": "6"})


def test_delete_keeps_the_record_in_the_audit_log(app):
    school = make_school()
    lead = make_user(Role.LEAD, school)
    student = make_student(school, year_group=11)
    record = services.add_record(
        lead,
        student,
        Post16Record,
        {
            "subject": "a_level_maths",
            "status": "considering",
            "provider": None,
            "recorded_on": date(2026, 2, 1),
        },
    )
    services.delete_record(lead, record)
    assert _count(Post16Record) == 0
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "post16_records.delete")
    ).one()
    assert event.before["route"] == "a_level_maths"


def test_attendance_is_an_upsert_and_dosage_counts_present_only(app):
    school = make_school()
    lead = make_user(Role.LEAD, school)
    a, b = make_student(school), make_student(school)
    group = make_group(school, students=[a, b])
    booster = services.create_intervention(
        lead,
        school.id,
        {
            "type": "ks4_booster",
            "subtype": None,
            "title": "Booster",
            "held_on": date(2026, 1, 5),
            "duration_minutes": 60,
            "provider": None,
            "mentor": None,
            "group_id": group.id,
        },
    )
    circle = services.create_intervention(
        lead,
        school.id,
        {
            "type": "enrichment",
            "subtype": "maths_circle",
            "title": "Circle",
            "held_on": date(2026, 1, 6),
            "duration_minutes": 90,
            "provider": "University",
            "mentor": "ignored",
            "group_id": None,
        },
    )
    assert circle.mentor is None
    services.mark_attendance(lead, booster, a, "absent")
    services.mark_attendance(lead, booster, a, "present")
    services.mark_attendance(lead, booster, a, "present")
    services.mark_attendance(lead, circle, a, "present")
    services.mark_attendance(lead, booster, b, "excused")
    assert _count(Attendance) == 3
    dose = services.dosage([a.id, b.id])
    assert dose[a.id] == [
        services.Dosage("ks4_booster", 1, 60),
        services.Dosage("enrichment", 1, 90),
    ]
    assert b.id not in dose
    marks = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "attendance.mark")
    ).all()
    assert len(marks) == 4  # the repeated "present" changed nothing


def test_attendance_refuses_a_student_of_another_school(app):
    school, other = make_school(), make_school()
    booster = services.create_intervention(
        None,
        school.id,
        {
            "type": "small_group",
            "subtype": None,
            "title": "S",
            "held_on": date(2026, 1, 5),
            "duration_minutes": 30,
            "provider": None,
            "mentor": None,
            "group_id": None,
        },
    )
    with pytest.raises(services.RecordError):
        services.mark_attendance(None, booster, make_student(other), "present")
