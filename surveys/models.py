"""Survey tables: pinned instrument versions, class sessions, responses and answers."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Group, School, Student, User, utcnow
from surveys.waves import Wave, wave_of


class SurveyInstrument(db.Model):
    """One content version of an instrument, exactly as `Instrument.to_dict()` gave it.

    Rows are never changed: a session points at the version it used, so editing the YAML
    file makes a new row and never changes what earlier answers mean.
    """

    __tablename__ = "survey_instruments"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_survey_instruments_key_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SurveySession(db.Model):
    """A class taking one instrument: opened by staff for a group, answered with a class code."""

    __tablename__ = "survey_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    # A deleted group leaves its sessions (and their answers) in place, without the group.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL"), index=True
    )
    instrument_id: Mapped[int] = mapped_column(ForeignKey("survey_instruments.id"), index=True)
    class_code: Mapped[str] = mapped_column(String(12), unique=True)
    # The wave: an academic year (2025 = 2025/26) and a term, never free text. Always set by
    # `open_session`; nullable only because SQLite cannot add a NOT NULL column to a table
    # with rows (migration 3c4d5e6f7a83).
    wave_year: Mapped[int | None] = mapped_column(Integer)
    wave_term: Mapped[str | None] = mapped_column(String(6))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    school: Mapped[School] = relationship()
    group: Mapped[Group | None] = relationship()
    instrument: Mapped[SurveyInstrument] = relationship()
    opened_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def wave(self) -> Wave:
        """The session's wave (the wave of the day it was opened if none was ever stored)."""
        if self.wave_year is not None and self.wave_term is not None:
            return Wave(self.wave_year, self.wave_term)
        return wave_of((self.opened_at or utcnow()).date())

    @wave.setter
    def wave(self, wave: Wave) -> None:
        self.wave_year, self.wave_term = wave.year, wave.term


class SurveyResponse(db.Model):
    """One student's answers to one session; there is at most one per student and session."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("session_id", "student_id", name="uq_survey_responses_session_student"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("survey_sessions.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)

    session: Mapped[SurveySession] = relationship()
    student: Mapped[Student] = relationship()


class SurveyAnswer(db.Model):
    """The current answer to one item; saving again updates it (an upsert), never adds a row."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "item_id", name="uq_survey_answers_response_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(60))
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
