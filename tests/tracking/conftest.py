"""Helpers for the tracker's tests: a school with its lead and a student with some history."""

from datetime import date

import pytest

from app.extensions import db
from app.models import Role
from tests.factories import make_school, make_student, make_user
from tracking import services
from tracking.models import (
    CompetitionResult,
    Destination,
    Post16Record,
    StudentNote,
    UcasApplication,
)

HTMX = {"HX-Request": "true"}


def add_history(student, actor=None, n: int = 1) -> None:
    """Give `student` n records of every kind that the timeline shows (flushed)."""
    for i in range(n):
        day = date(2025, 1 + i % 12, 1 + i % 28)
        services.record_grade(actor, student, "gcse_maths", "predicted", str(4 + i % 5), None, day)
        services.add_record(
            actor,
            student,
            Post16Record,
            {
                "subject": "a_level_maths",
                "status": "considering",
                "provider": "Sixth form",
                "recorded_on": day,
            },
        )
        services.add_record(
            actor,
            student,
            UcasApplication,
            {
                "course": "BSc Mathematics",
                "provider": "University of Leeds",
                "subject": "Mathematics",
                "subject_category": "mathematics",
                "status": "applied",
                "recorded_on": day,
            },
        )
        services.add_record(
            actor,
            student,
            Destination,
            {
                "type": "higher_education",
                "subject_category": "mathematics",
                "subject": "Mathematics",
                "provider": "University of Leeds",
                "evidence": "ucas",
                "recorded_on": day,
            },
        )
        services.add_record(
            actor,
            student,
            CompetitionResult,
            {
                "competition": "UKMT Intermediate Maths Challenge",
                "taken_on": day,
                "award": "gold",
                "follow_on": "Kangaroo",
            },
        )
        services.add_record(actor, student, StudentNote, {"text": f"Note {i}"})


@pytest.fixture
def lead_school(app):
    """(school, lead, student): a lead of a school with one Year 11 target student."""
    school = make_school()
    lead = make_user(Role.LEAD, school)
    student = make_student(school, year_group=11, is_target=True, pupil_premium=True)
    db.session.commit()
    return school, lead, student
