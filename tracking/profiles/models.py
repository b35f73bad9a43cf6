"""Bulk profile exports: a job per request (a group's or a school's target students) and one
item per student. The items are the progress: any process can count them, a reload or a
restart loses nothing, and an interrupted export carries on from the students not yet done."""

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Group, School, User, utcnow


class JobKind(enum.StrEnum):
    GROUP = "group"
    TARGETS = "targets"


class ProfileJob(db.Model):
    """A zip of PDF profiles being made by the task queue's workers."""

    __tablename__ = "profile_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # When its students were last put on the queue (at the start, or when resumed): with
    # the items' finished_at, how long it has gone without progress.
    queued_at: Mapped[datetime | None] = mapped_column(DateTime, default=utcnow)
    # When its PDFs were deleted (see jobs.RETENTION): the job stays to say so.
    expired_at: Mapped[datetime | None] = mapped_column(DateTime)

    school: Mapped[School] = relationship()
    requested_by: Mapped[User | None] = relationship()
    group: Mapped[Group | None] = relationship()


class ProfileJobItem(db.Model):
    """One student's PDF in a job: waiting (no pdf, no error), made, or failed."""

    __tablename__ = "profile_job_items"
    __table_args__ = (
        UniqueConstraint("job_id", "student_id", name="uq_profile_job_items_job_student"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("profile_jobs.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The process that made it: shows which worker did the work (and that a pool did).
    worker_pid: Mapped[int | None] = mapped_column(Integer)
