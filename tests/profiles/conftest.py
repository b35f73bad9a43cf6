"""Helpers for the profile tests: a student with a full history, and PDFs read back."""

import io
from datetime import date, datetime

import pypdf
import pytest

from app.extensions import db
from app.models import Role
from tests.factories import make_group, make_school, make_student, make_user
from tracking import services
from tracking.models import CompetitionResult, Destination, Post16Record, StudentNote


def give_history(student, actor=None) -> None:
    """Grades of every charted kind, a post-16 choice, a destination, a result and notes."""
    for kind, grade, day in [
        ("target", "8", date(2024, 9, 10)),
        ("predicted", "6", date(2024, 12, 1)),
        ("predicted", "7", date(2025, 3, 1)),
        ("mock", "7", date(2025, 1, 15)),
        ("final", "8", date(2025, 8, 21)),
    ]:
        tier = "higher" if kind in ("mock", "final") else None
        services.record_grade(actor, student, "gcse_maths", kind, grade, tier, day)
    services.record_grade(
        actor, student, "a_level_maths", "predicted", "A*", None, date(2026, 1, 5)
    )
    services.add_record(
        actor,
        student,
        Post16Record,
        {
            "subject": "a_level_maths",
            "status": "enrolled",
            "provider": "City Sixth Form",
            "recorded_on": date(2025, 9, 1),
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
            "recorded_on": date(2026, 8, 20),
        },
    )
    services.add_record(
        actor,
        student,
        CompetitionResult,
        {
            "competition": "UKMT Intermediate Maths Challenge",
            "taken_on": date(2025, 2, 1),
            "award": "gold",
            "follow_on": "Kangaroo",
        },
    )
    services.add_record(actor, student, StudentNote, {"text": "Loves problem solving."})


@pytest.fixture
def setting(app):
    """(school, lead, student, group): a lead and a Year 11 target student with history,
    in a group."""
    school = make_school(name="Northfield Academy")
    lead = make_user(Role.LEAD, school)
    student = make_student(
        school,
        year_group=11,
        is_target=True,
        pupil_premium=True,
        first_name="Amira",
        last_name="Khan",
        ks2_maths=112,
    )
    give_history(student, lead)
    group = make_group(school, name="11X1", students=[student])
    db.session.commit()
    return school, lead, student, group


def pdf_reader(data: bytes) -> pypdf.PdfReader:
    assert data.startswith(b"%PDF-"), data[:40]
    return pypdf.PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(data).pages)


def pdf_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in pdf_reader(data).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return fonts


def fake_survey_scores(monkeypatch, score: float = 3.25) -> None:
    """Give every student two sessions of an "Enjoyment" scale score (surveys area faked)."""
    from surveys import services as surveys
    from surveys.services import ScaleHistory, ScorePoint

    def scores_for_students(student_ids):
        points = [
            ScorePoint(7, datetime(2025, 10, 3, 9, 30), "Autumn 2025", "Enjoying maths", 2.5),
            ScorePoint(9, datetime(2026, 2, 3, 9, 30), "Spring 2026", "Enjoying maths", score),
        ]
        return {
            sid: [ScaleHistory(key="enjoyment", title="Enjoyment", low=1, high=4, points=points)]
            for sid in student_ids
        }

    monkeypatch.setattr(surveys, "scores_for_students", scores_for_students)
