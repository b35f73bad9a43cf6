"""Bulk profile exports as tasks on the app's queue (app.tasks): a job row per zip, an item
per student, and a task per chunk of students.

The web process only creates the job and enqueues its chunks; a worker of `flask worker`
renders them. Progress is counted from the items, so any process can show it. Making an
item is idempotent (an item already made or failed is skipped, and the write itself only
lands on an item still waiting), so a retried, resumed or doubled chunk never makes a
student twice, and a periodic task re-enqueues the students of a job whose tasks were lost
(a worker killed mid-chunk), so no export stalls forever.

Generated PDFs are kept for RETENTION (RETENTION_SENSITIVE when they carry sensitive flags),
then deleted (the zip is made from them on download, so it goes too); the job stays, marked
expired, so that its page says so; the audit log keeps the record of each export.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from app import tasks
from app.extensions import db
from app.models import Group, School, Student, User, utcnow
from tracking.profiles import pdf, render, services
from tracking.profiles.models import JobKind, ProfileJob, ProfileJobItem

RETENTION = timedelta(hours=24)  # how long a bulk export's PDFs (and so its zip) are kept
RETENTION_SENSITIVE = timedelta(hours=1)  # ... when they include sensitive flags
EXPIRED = (
    "Profile exports are kept for 24 hours, or 1 hour when they include sensitive flags. "
    "Export the profiles again to get them."
)
CHUNK_SIZE = 10  # students per task, unless PROFILE_CHUNK_SIZE says otherwise
# A job with students waiting and no progress for this long has lost its tasks (unless
# PROFILE_STALLED_AFTER_SECONDS says otherwise): far longer than a chunk takes.
STALLED_AFTER = timedelta(minutes=10)

_WAITING = ProfileJobItem.pdf.is_(None) & ProfileJobItem.error.is_(None)


class JobError(ValueError):
    """Raised for an export that cannot be started, with a message fit to show the user."""


@dataclass(frozen=True)
class Progress:
    """How far an export has got: students in it, PDFs made, students that failed."""

    total: int = 0
    made: int = 0
    failed: int = 0

    @property
    def processed(self) -> int:
        return self.made + self.failed

    @property
    def pending(self) -> int:
        return self.total - self.processed

    @property
    def finished(self) -> bool:
        return self.pending <= 0

    @property
    def status(self) -> str:
        if self.finished:
            return "done"
        return "running" if self.processed else "queued"


def create_job(
    actor: User | None,
    school: School,
    students: list[Student],
    *,
    sensitive: bool,
    group: Group | None = None,
) -> ProfileJob:
    """Make a job for a zip of the students' profiles (one item per student, file names made
    safe and unique) and audit the export; `start` it after the commit. Raises JobError
    when there is nobody to export. Flushes; never commits."""
    if not students:
        raise JobError("There are no students to export.")
    title = f"{group.name}" if group else f"{school.name}: target students"
    job = ProfileJob(
        school_id=school.id,
        requested_by_id=actor.id if actor else None,
        group_id=group.id if group else None,
        kind=JobKind.GROUP if group else JobKind.TARGETS,
        title=title[:200],
        sensitive=sensitive,
    )
    db.session.add(job)
    db.session.flush()
    taken: set[str] = set()
    for position, student in enumerate(students):
        db.session.add(
            ProfileJobItem(
                job_id=job.id,
                student_id=student.id,
                position=position,
                filename=pdf.safe_filename(f"{student.last_name} {student.known_as}", taken),
            )
        )
    services.record_export(
        actor, students, sensitive=sensitive, what=f"profiles zip of {title}", entity=job
    )
    db.session.flush()
    return job


def _waiting_item_ids(job_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(ProfileJobItem.id)
            .where(ProfileJobItem.job_id == job_id, _WAITING)
            .order_by(ProfileJobItem.position)
        )
    )


def chunks(item_ids: list[int]) -> list[list[int]]:
    """Split item ids into the chunks that one task each makes."""
    size = current_app.config.get("PROFILE_CHUNK_SIZE") or CHUNK_SIZE
    return [item_ids[start : start + size] for start in range(0, len(item_ids), size)]


def start(job: ProfileJob) -> int:
    """Put the job's waiting students on the task queue, a chunk per task; return how many
    tasks. Call it after the commit that saved the job: a worker must find its rows."""
    parts = chunks(_waiting_item_ids(job.id))
    for part in parts:
        render_chunk.enqueue(job.id, part)
    return len(parts)


def make_items(job_id: int, item_ids: list[int], progress: Callable[[], None] | None = None) -> int:
    """Make the PDFs of those of `item_ids` (of job `job_id`) still waiting, committing each
    as it is made; a student whose profile cannot be made is recorded as failed and the
    rest go on. `progress()` is called after each student. Returns how many items this call
    recorded (an item another worker recorded first is not counted)."""
    job = db.session.get(ProfileJob, job_id)
    if job is None:  # purged, or its school deleted, while it waited
        return 0
    sensitive = job.sensitive
    items = db.session.execute(
        select(ProfileJobItem.id, ProfileJobItem.student_id)
        .where(ProfileJobItem.job_id == job_id, ProfileJobItem.id.in_(item_ids), _WAITING)
        .order_by(ProfileJobItem.position)
    ).all()
    if not items:
        return 0
    errors: dict[int, Exception] = {}
    profiles = {
        p.student.id: p
        for p in services.load_profiles([student_id for _, student_id in items], errors=errors)
    }
    static_root = render.static_folders()
    # HTML first, for the whole chunk, while its rows are loaded (a commit expires them).
    pages: list[tuple[int, str | None, str | None]] = []
    for item_id, student_id in items:
        try:
            if student_id in errors:
                raise errors[student_id]
            if student_id not in profiles:
                raise LookupError("The student is no longer on the roster")
            html = render.profile_html(profiles[student_id], sensitive=sensitive)
            pages.append((item_id, html, None))
        except Exception as error:  # one student's bad data must not stop the rest
            pages.append((item_id, None, _describe(error)))
    db.session.commit()  # end the read, so the PDFs are made outside any transaction
    recorded = 0
    for item_id, html, error in pages:
        data = None
        if html is not None:
            try:
                data = pdf.render_pdf(html, static_root)
            except Exception as failure:
                error = _describe(failure)
        recorded += _record(item_id, data, error)
        if progress:
            progress()
    return recorded


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _record(item_id: int, data: bytes | None, error: str | None) -> int:
    """Store an item's PDF or error unless it has one already; commit. Returns 1 if stored."""
    result = db.session.execute(
        update(ProfileJobItem)
        .where(ProfileJobItem.id == item_id, _WAITING)
        .values(pdf=data, error=error, finished_at=utcnow(), worker_pid=os.getpid())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


@tasks.task(retries=3, retry_delay=20, context=True)
def render_chunk(job_id: int, item_ids: list[int], task=None) -> int:
    """Make a chunk of an export's PDFs (see make_items). An unexpected error (the database
    gone, say) is retried; after the last try the chunk's students still waiting are
    recorded as failed, so that the export finishes and says who is missing."""
    try:
        return make_items(job_id, item_ids)
    except Exception as error:
        if task is None or not task.retries:
            db.session.rollback()
            message = f"Could not be made after several tries: {_describe(error)}"
            for item_id in item_ids:
                _record(item_id, None, message)
        raise


def run_in_process(job: ProfileJob, progress: Callable[[], None] | None = None) -> None:
    """Make every waiting PDF of a job here and now, chunk by chunk, without the queue (for
    `flask profiles zip`). Idempotent as the tasks are: a worker may share the work."""
    for part in chunks(_waiting_item_ids(job.id)):
        make_items(job.id, part, progress)


def progress_of(job_ids: list[int]) -> dict[int, Progress]:
    """Return the progress of each job, counted from its items in one query."""
    if not job_ids:
        return {}
    rows = db.session.execute(
        select(
            ProfileJobItem.job_id,
            func.count(),
            func.count(ProfileJobItem.pdf),
            func.count(ProfileJobItem.error),
        )
        .where(ProfileJobItem.job_id.in_(job_ids))
        .group_by(ProfileJobItem.job_id)
    )
    found = {job_id: Progress(total, made, failed) for job_id, total, made, failed in rows}
    return {job_id: found.get(job_id, Progress()) for job_id in job_ids}


def failures(job: ProfileJob) -> list[tuple[str, str]]:
    """Return (student's name, error) for each student of the job whose PDF failed."""
    rows = db.session.execute(
        select(Student, ProfileJobItem.error)
        .join(ProfileJobItem, ProfileJobItem.student_id == Student.id)
        .where(ProfileJobItem.job_id == job.id, ProfileJobItem.error.is_not(None))
        .order_by(ProfileJobItem.position)
    )
    return [(student.full_name, error) for student, error in rows]


def zip_bytes(job: ProfileJob) -> bytes:
    """Return the zip of a job's PDFs, one per student who did not fail, in roster order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for filename, data in db.session.execute(
            select(ProfileJobItem.filename, ProfileJobItem.pdf)
            .where(ProfileJobItem.job_id == job.id, ProfileJobItem.pdf.is_not(None))
            .order_by(ProfileJobItem.position)
        ):
            archive.writestr(filename, data)
    return buffer.getvalue()


# ---- Periodic upkeep, run by the consumer's scheduler ----


def stalled_after() -> timedelta:
    """Return how long a job may go without progress before its tasks count as lost."""
    seconds = current_app.config.get("PROFILE_STALLED_AFTER_SECONDS")
    return STALLED_AFTER if seconds is None else timedelta(seconds=seconds)


def resume_stalled(now: datetime | None = None) -> int:
    """Re-enqueue the waiting students of every job that has made no progress for
    STALLED_AFTER and whose tasks are no longer on the queue (lost with a killed worker, or
    never queued); return how many students. Commits."""
    now = now or utcnow()
    cutoff = now - stalled_after()
    waiting_jobs = select(ProfileJobItem.job_id).where(_WAITING)
    rows = db.session.execute(
        select(
            ProfileJob.id,
            func.coalesce(ProfileJob.queued_at, ProfileJob.created_at),
            func.max(ProfileJobItem.finished_at),
        )
        .join(ProfileJobItem, ProfileJobItem.job_id == ProfileJob.id)
        .where(ProfileJob.id.in_(waiting_jobs))
        .group_by(ProfileJob.id, ProfileJob.queued_at, ProfileJob.created_at)
    ).all()
    stalled = [job_id for job_id, queued, last in rows if max(queued, last or queued) < cutoff]
    if not stalled:
        return 0
    queued_items = {
        item_id for args, _ in tasks.queue().queued_calls(render_chunk) for item_id in args[1]
    }
    lost = {}
    for job_id in stalled:
        if ids := [i for i in _waiting_item_ids(job_id) if i not in queued_items]:
            lost[job_id] = ids
    if lost:
        db.session.execute(update(ProfileJob).where(ProfileJob.id.in_(lost)).values(queued_at=now))
    db.session.commit()
    for job_id, ids in lost.items():
        for part in chunks(ids):
            render_chunk.enqueue(job_id, part)
    return sum(len(ids) for ids in lost.values())


def purge_expired(now: datetime | None = None) -> int:
    """Delete the PDFs of every export asked for more than RETENTION ago (RETENTION_SENSITIVE
    with sensitive flags) and mark it expired; return how many exports. Flushes; never
    commits."""
    now = now or utcnow()
    old = select(ProfileJob.id).where(
        ProfileJob.expired_at.is_(None),
        or_(
            ProfileJob.created_at < now - RETENTION,
            ProfileJob.sensitive.is_(True) & (ProfileJob.created_at < now - RETENTION_SENSITIVE),
        ),
    )
    ids = db.session.scalars(old).all()
    if not ids:
        return 0
    db.session.execute(delete(ProfileJobItem).where(ProfileJobItem.job_id.in_(ids)))
    db.session.execute(update(ProfileJob).where(ProfileJob.id.in_(ids)).values(expired_at=now))
    return len(ids)


# Every minute, and so as soon as a consumer starts; ahead of the chunks on the queue, so
# that a restarted consumer puts lost students back before it works through the rest.
@tasks.periodic_task(tasks.crontab(), priority=10)
def resume_stalled_exports() -> int:
    """Resume exports whose tasks were lost (see resume_stalled)."""
    return resume_stalled()


@tasks.periodic_task(tasks.crontab(minute="*/10"))
def purge_expired_exports() -> int:
    """Every ten minutes, delete the PDFs of exports past their retention (purge_expired)."""
    purged = purge_expired()
    db.session.commit()
    return purged
