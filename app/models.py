"""The shell's tables: schools, staff accounts, students, groups, the audit log, uploads."""

import enum
import unicodedata
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app import academic
from app.extensions import db


def utcnow() -> datetime:
    """Naive UTC now: every timestamp is stored in UTC without a zone, on both databases."""
    return datetime.now(UTC).replace(tzinfo=None)


def fold(text: str) -> str:
    """Return text case-folded and without accents, so 'zoe' finds 'Zoë'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


class Role(enum.StrEnum):
    ADMIN = "admin"
    LEAD = "lead"
    TEACHER = "teacher"
    EVALUATOR = "evaluator"

    @property
    def label(self) -> str:
        return {
            "admin": "Programme admin",
            "lead": "Maths Progression Lead",
            "teacher": "Teacher",
            "evaluator": "Evaluator",
        }[self.value]

    @property
    def needs_school(self) -> bool:
        return self in (Role.LEAD, Role.TEACHER)


# The roles that see and work with students (evaluators see schools' figures only).
STUDENT_STAFF = frozenset({Role.ADMIN, Role.LEAD, Role.TEACHER})


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    urn: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<School {self.urn} {self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the login cookie: bumping it ends every session of this account.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    school: Mapped[School | None] = relationship()

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def sees_students(self) -> bool:
        return self.role in STUDENT_STAFF

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Versioned:
    """A record staff edit in forms: `version` counts its writes (1 when added). SQLAlchemy
    raises it on every UPDATE and puts the old value in the UPDATE's WHERE, so a write over
    a newer change fails instead of landing (see app/conflicts.py for the form side)."""

    version: Mapped[int] = mapped_column(Integer, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


SEN_LABELS = {"N": "No SEN", "K": "SEN support (K)", "E": "EHC plan (E)"}
SEX_LABELS = {"F": "Female", "M": "Male"}


class Student(Versioned, db.Model):
    __tablename__ = "students"
    __table_args__ = (
        Index("ix_students_school_name", "school_id", "last_name", "first_name"),
        Index("ix_students_school_entry", "school_id", "entry_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    upn: Mapped[str] = mapped_column(String(13), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    entry_year: Mapped[int] = mapped_column(Integer)
    pupil_premium: Mapped[bool] = mapped_column(Boolean, default=False)
    fsm_ever6: Mapped[bool] = mapped_column(Boolean, default=False)
    looked_after: Mapped[bool] = mapped_column(Boolean, default=False)
    # Pupil Premium as the school records it, and the day that record was made or confirmed.
    pupil_premium_as_at: Mapped[date | None] = mapped_column(Date)
    previously_looked_after: Mapped[bool] = mapped_column(Boolean, default=False)
    # SEN provision as in the school census: N none, K SEN support, E EHC plan; None unknown.
    sen: Mapped[str | None] = mapped_column(String(1))
    # Sex as recorded in the school census: F or M; None when not recorded.
    sex: Mapped[str | None] = mapped_column(String(1))
    ks2_maths: Mapped[int | None] = mapped_column(Integer)
    is_target: Mapped[bool] = mapped_column(Boolean, default=False)
    survey_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    left_on: Mapped[date | None] = mapped_column(Date)
    survey_code: Mapped[str] = mapped_column(String(12), unique=True)
    # Folded names and UPN, kept in step on every write, so search behaves the same on
    # SQLite and PostgreSQL and ignores case and accents.
    search_text: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    school: Mapped[School] = relationship()
    groups: Mapped[list["Group"]] = relationship(
        secondary="group_members", back_populates="students", order_by="Group.name"
    )

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.first_name

    @property
    def full_name(self) -> str:
        return f"{self.known_as} {self.last_name}"

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.known_as}"

    def year_group(self, on: date | None = None) -> int:
        return academic.year_group(self.entry_year, on or date.today())

    # "On roll": the one rule for a student still at the school on a day (today by default).
    # `left_on` is the day they left; a leaving date still to come keeps them on roll.
    @hybrid_method
    def on_roll(self, on: date | None = None) -> bool:
        return academic.on_roll(self.left_on, on or date.today())

    @on_roll.expression
    @classmethod
    def on_roll(cls, on: date | None = None):
        # academic.on_roll, as SQL.
        return or_(cls.left_on.is_(None), cls.left_on > (on or date.today()))

    # Who takes part in class surveys (and gets a login card): on roll and not opted out.
    @hybrid_method
    def takes_surveys(self, on: date | None = None) -> bool:
        return not self.survey_opt_out and self.on_roll(on)

    @takes_surveys.expression
    @classmethod
    def takes_surveys(cls, on: date | None = None):
        return and_(cls.survey_opt_out.is_(False), cls.on_roll(on))

    # Disadvantaged as the DfE defines it: free school meals at any time in the last six
    # years (FSM Ever 6), looked after, or previously looked after. Pupil Premium is kept as
    # the school records it and is not part of the rule.
    @hybrid_property
    def is_disadvantaged(self) -> bool:
        return bool(self.fsm_ever6 or self.looked_after or self.previously_looked_after)

    @is_disadvantaged.expression
    @classmethod
    def is_disadvantaged(cls):
        return or_(
            cls.fsm_ever6.is_(True),
            cls.looked_after.is_(True),
            cls.previously_looked_after.is_(True),
        )

    @property
    def sen_label(self) -> str:
        return SEN_LABELS.get(self.sen or "", "Not recorded")

    @property
    def sex_label(self) -> str:
        return SEX_LABELS.get(self.sex or "", "Not recorded")

    def __repr__(self) -> str:
        return f"<Student {self.upn}>"


@event.listens_for(Student, "before_insert")
@event.listens_for(Student, "before_update")
def _refresh_search_text(_mapper, _connection, student: Student) -> None:
    parts = [student.first_name, student.preferred_name or "", student.last_name, student.upn]
    student.search_text = fold(" ".join(parts))


class GroupKind(enum.StrEnum):
    CLASS = "class"
    BOOSTER = "booster"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"class": "Maths set", "booster": "Booster / support group", "other": "Other"}[
            self.value
        ]


class Group(db.Model):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("school_id", "name", name="uq_groups_school_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default=GroupKind.CLASS)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    school: Mapped[School] = relationship()
    students: Mapped[list[Student]] = relationship(
        secondary="group_members",
        back_populates="groups",
        order_by=(Student.last_name, Student.first_name),
    )

    @property
    def kind_label(self) -> str:
        return GroupKind(self.kind).label


class GroupMember(db.Model):
    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()
    school: Mapped[School | None] = relationship()


class Upload(db.Model):
    """A file uploaded for import, kept between its preview and the confirmation, with the
    table read from it (`app.imports.table.pack_table`; None for an upload stored before
    tables were kept) so that the file is read once."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)
    parsed_table: Mapped[bytes | None] = mapped_column(LargeBinary)


class TargetBaseline(db.Model):
    """A cohort's confirmed target list: the students who were target students of one
    school's cohort (the academic year they entered Year 7) on the day a lead confirmed it,
    by which criteria and who confirmed it. Target figures count these students whatever
    their mark says later (intention to treat). One per school and cohort, never replaced."""

    __tablename__ = "target_baselines"
    __table_args__ = (
        UniqueConstraint("school_id", "entry_year", name="uq_target_baselines_school_cohort"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    entry_year: Mapped[int] = mapped_column(Integer)
    confirmed_on: Mapped[date] = mapped_column(Date)
    criteria: Mapped[str] = mapped_column(Text, default="")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Who confirmed it as text (an email, or "command line"), kept if the account goes.
    confirmed_by_label: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    school: Mapped[School] = relationship()
    confirmed_by: Mapped[User | None] = relationship()
    students: Mapped[list[Student]] = relationship(
        secondary="target_baseline_students", order_by=(Student.last_name, Student.first_name)
    )


class TargetBaselineStudent(db.Model):
    __tablename__ = "target_baseline_students"

    baseline_id: Mapped[int] = mapped_column(
        ForeignKey("target_baselines.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), primary_key=True, index=True
    )
