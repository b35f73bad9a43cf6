"""Progression records: grades, post-16 choices, UCAS applications, destinations, competition
results, notes, interventions and attendance.

History is kept: a new grade, choice or destination is a new row with who entered it and when;
the current value is the newest row. Editing a row corrects a mistake (audited, before/after).
"""

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Group, School, Student, User, utcnow
from tracking.grades import GradeKind, Qualification, Tier
from tracking.outcomes import DestinationType, Post16Status, Post16Subject, SubjectCategory


class Source(enum.StrEnum):
    """How a record got here: typed in by staff, or imported (a file, the command line)."""

    ENTERED = "entered"
    IMPORTED = "imported"


class UcasStatus(enum.StrEnum):
    APPLIED = "applied"
    OFFER_CONDITIONAL = "offer_conditional"
    OFFER_UNCONDITIONAL = "offer_unconditional"
    FIRM = "firm"
    INSURANCE = "insurance"
    PLACED = "placed"
    UNPLACED = "unplaced"
    WITHDRAWN = "withdrawn"


class Evidence(enum.StrEnum):
    """Where a destination is known from."""

    STUDENT = "student"
    UCAS = "ucas"
    SCHOOL_SURVEY = "school_survey"


class InterventionType(enum.StrEnum):
    SMALL_GROUP = "small_group"
    KS4_BOOSTER = "ks4_booster"
    PEER_MENTORING = "peer_mentoring"
    EXTENSION_COURSE = "extension_course"
    ENRICHMENT = "enrichment"


class EnrichmentKind(enum.StrEnum):
    UKMT_CHALLENGE = "ukmt_challenge"
    MATHS_CIRCLE = "maths_circle"
    UNIVERSITY_VISIT = "university_visit"
    OTHER_PROVIDER = "other_provider"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Award(enum.StrEnum):
    GOLD = "gold"
    SILVER = "silver"
    BRONZE = "bronze"
    PARTICIPATION = "participation"


# The names people use, for every coded value a page shows.
LABELS: dict[type[enum.StrEnum], dict[str, str]] = {
    Qualification: {q.value: q.label for q in Qualification},
    GradeKind: {k.value: k.label for k in GradeKind},
    Tier: {t.value: t.label for t in Tier},
    Source: {"entered": "Entered", "imported": "Imported"},
    Post16Subject: {
        "a_level_maths": "A-level Maths",
        "a_level_further_maths": "A-level Further Maths",
        "core_maths": "Core Maths",
        "none": "No maths after 16",
    },
    Post16Status: {
        "considering": "Considering",
        "applied": "Applied",
        "enrolled": "Enrolled",
        "withdrawn": "Withdrawn",
    },
    UcasStatus: {
        "applied": "Applied",
        "offer_conditional": "Offer (conditional)",
        "offer_unconditional": "Offer (unconditional)",
        "firm": "Firm choice",
        "insurance": "Insurance choice",
        "placed": "Placed",
        "unplaced": "Unplaced",
        "withdrawn": "Withdrawn",
    },
    SubjectCategory: {
        "mathematics": "Mathematics",
        "maths_related": "Maths-related",
        "other": "Other subject",
    },
    DestinationType: {
        "higher_education": "Higher education",
        "apprenticeship": "Apprenticeship",
        "employment": "Employment",
        "further_education": "Further education",
        "gap_year": "Gap year",
        "other": "Other",
        "unknown": "Unknown",
    },
    Evidence: {"student": "Student", "ucas": "UCAS", "school_survey": "School survey"},
    InterventionType: {
        "small_group": "Small-group support",
        "ks4_booster": "KS4 booster",
        "peer_mentoring": "Peer mentoring",
        "extension_course": "Extension course",
        "enrichment": "Enrichment",
    },
    EnrichmentKind: {
        "ukmt_challenge": "UKMT challenge",
        "maths_circle": "Maths circle",
        "university_visit": "University visit",
        "other_provider": "Other provider",
    },
    AttendanceStatus: {"present": "Present", "absent": "Absent", "excused": "Excused"},
    Award: {
        "gold": "Gold",
        "silver": "Silver",
        "bronze": "Bronze",
        "participation": "Participation",
    },
}


def label(kind: type[enum.StrEnum], value: str | None) -> str:
    """Return the name people use for a coded value ('' for None, the code if unknown)."""
    if value is None:
        return ""
    return LABELS[kind].get(value, value)


def choices(kind: type[enum.StrEnum]) -> list[tuple[str, str]]:
    """Return (value, label) pairs of a coded value, in their usual order."""
    return list(LABELS[kind].items())


class _StudentRecord:
    """Columns every student record has: whose, entered by whom, how, when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(10), default=Source.ENTERED)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class GradeRecord(_StudentRecord, db.Model):
    """One grade of one kind in one qualification, for a date (or the start of a term)."""

    __tablename__ = "grade_records"
    __table_args__ = (
        Index("ix_grade_records_student_qual_kind", "student_id", "qualification", "kind"),
    )

    qualification: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(3))
    tier: Mapped[str | None] = mapped_column(String(12))
    recorded_on: Mapped[date] = mapped_column(Date)
    # A term such as "2025/26 spring" when the grade belongs to a term rather than a day;
    # `recorded_on` is then the start of that term.
    term: Mapped[str | None] = mapped_column(String(30))

    student: Mapped[Student] = relationship()
    entered_by: Mapped[User | None] = relationship()


class Post16Record(_StudentRecord, db.Model):
    """A post-16 maths intention or enrolment: subject, where, status, date."""

    __tablename__ = "post16_records"

    subject: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str | None] = mapped_column(String(200))
    recorded_on: Mapped[date] = mapped_column(Date)

    student: Mapped[Student] = relationship()
    entered_by: Mapped[User | None] = relationship()


class UcasApplication(_StudentRecord, db.Model):
    """A UCAS application's status on a date: course, provider, subject and its category."""

    __tablename__ = "ucas_applications"

    course: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(100))
    subject_category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    recorded_on: Mapped[date] = mapped_column(Date)

    student: Mapped[Student] = relationship()
    entered_by: Mapped[User | None] = relationship()


class Destination(_StudentRecord, db.Model):
    """Where a student went after Year 13, how it is known, and when it was recorded."""

    __tablename__ = "destinations"

    type: Mapped[str] = mapped_column(String(30))
    subject_category: Mapped[str | None] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(100))
    provider: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[str] = mapped_column(String(20))
    recorded_on: Mapped[date] = mapped_column(Date)

    student: Mapped[Student] = relationship()
    entered_by: Mapped[User | None] = relationship()


class CompetitionResult(_StudentRecord, db.Model):
    """A competition result, e.g. a UKMT Intermediate Maths Challenge gold certificate."""

    __tablename__ = "competition_results"

    competition: Mapped[str] = mapped_column(String(120))
    taken_on: Mapped[date] = mapped_column(Date)
    award: Mapped[str] = mapped_column(String(20))
    follow_on: Mapped[str | None] = mapped_column(String(120))

    student: Mapped[Student] = relationship()
    entered_by: Mapped[User | None] = relationship()


class StudentNote(db.Model):
    """A note by staff about a student (free text, escaped everywhere it is shown)."""

    __tablename__ = "student_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    student: Mapped[Student] = relationship()
    author: Mapped[User | None] = relationship()


class Intervention(db.Model):
    """A session of support or enrichment offered to a group of a school."""

    __tablename__ = "interventions"
    __table_args__ = (Index("ix_interventions_school_held", "school_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    type: Mapped[str] = mapped_column(String(30))
    subtype: Mapped[str | None] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    provider: Mapped[str | None] = mapped_column(String(200))
    mentor: Mapped[str | None] = mapped_column(String(200))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    school: Mapped[School] = relationship()
    group: Mapped[Group | None] = relationship()

    @property
    def type_label(self) -> str:
        text = label(InterventionType, self.type)
        if self.subtype:
            text += f": {label(EnrichmentKind, self.subtype)}"
        return text


class Attendance(db.Model):
    """One student's attendance at one intervention; marking again updates the row."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint(
            "intervention_id", "student_id", name="uq_attendances_intervention_student"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intervention_id: Mapped[int] = mapped_column(ForeignKey("interventions.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    intervention: Mapped[Intervention] = relationship()
    student: Mapped[Student] = relationship()
