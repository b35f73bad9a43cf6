"""Progression records: grades, post-16 choices, UCAS applications, destinations, competition
results, notes, interventions and attendance.

History is kept: a new grade, choice or destination is a new row with who entered it and when;
the current value is the newest row. Editing a row corrects a mistake (audited, before/after).
"""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from app.extensions import db
from app.models import Group, School, Student, User, Versioned, utcnow
from tracking.exam_series import series_label
from tracking.vocabulary import EnrichmentKind, InterventionType, Source, label


class _StudentRecord(Versioned):
    """Columns every student record has: whose, entered by whom, how, when, and its version
    (so a correction made over a newer one is refused)."""

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
    # The fields staff write (and the audit log shows), as tracking.services.FIELDS lists them.
    FIELDS = ("qualification", "kind", "grade", "tier", "recorded_on", "term", "series", "source")

    qualification: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))
    grade: Mapped[str] = mapped_column(String(3))
    tier: Mapped[str | None] = mapped_column(String(12))
    recorded_on: Mapped[date] = mapped_column(Date)
    # A term such as "2025/26 spring" when the grade belongs to a term rather than a day;
    # `recorded_on` is then the start of that term.
    term: Mapped[str | None] = mapped_column(String(30))
    # A final grade's exam series ("June 2026") as the first day of its month; None for other
    # kinds, and for finals recorded before series were.
    series: Mapped[date | None] = mapped_column(Date)

    student: Mapped[Student] = relationship()
    entered_by: Mapped[User | None] = relationship()

    @property
    def series_label(self) -> str:
        """The exam series as people name it ("June 2026"), or ""."""
        return series_label(self.series)


class Post16Record(_StudentRecord, db.Model):
    """A post-16 route (tracking.vocabulary.Post16Route) with its status and date, and where:
    the own sixth form, or another school or college (`provider`, its name, with its 6-digit
    URN or 8-digit UKPRN where known); `institution` None is not known."""

    __tablename__ = "post16_records"
    # The fields staff write (and the audit log shows), as tracking.services.FIELDS lists them.
    FIELDS = (
        "route",
        "status",
        "institution",
        "provider",
        "provider_urn",
        "provider_ukprn",
        "recorded_on",
        "source",
    )

    route: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    institution: Mapped[str | None] = mapped_column(String(20))
    provider: Mapped[str | None] = mapped_column(String(200))
    provider_urn: Mapped[str | None] = mapped_column(String(6))
    provider_ukprn: Mapped[str | None] = mapped_column(String(8))
    recorded_on: Mapped[date] = mapped_column(Date)
    # The route's name before it held routes (older callers still pass `subject`).
    subject = synonym("route")

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
    """Where a student went (or applied) after Year 13, how it is known, and when it was
    recorded. A degree's subject is `hecos`: one HECoS code, or two (space-separated) for
    joint honours, with `subject` their names; `subject_category` is what records made
    before HECoS said instead (tracking.destinations.degree reads both)."""

    __tablename__ = "destinations"
    # The fields staff write (and the audit log shows), as tracking.services.FIELDS lists them.
    FIELDS = (
        "type",
        "status",
        "hecos",
        "subject",
        "subject_category",
        "provider",
        "evidence",
        "recorded_on",
        "source",
    )

    type: Mapped[str] = mapped_column(String(30))
    subject_category: Mapped[str | None] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(100))
    provider: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[str] = mapped_column(String(20))
    recorded_on: Mapped[date] = mapped_column(Date)
    hecos: Mapped[str | None] = mapped_column(String(13))
    status: Mapped[str | None] = mapped_column(String(20))

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


class StudentNote(Versioned, db.Model):
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


class Intervention(Versioned, db.Model):
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
