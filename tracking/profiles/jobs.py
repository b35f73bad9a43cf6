"""Bulk profile exports in the background: a job table any process can serve, claimed
atomically, rendered with bounded concurrency, restartable when a worker dies.

The web process starts a worker thread lazily when a job is queued (or found stale); in
production `flask profiles worker` can run instead. A worker runs one job at a time and
renders PDFs in a small process pool (PROFILE_PROCESSES, at most 2) at low priority, so a
bulk export never starves the web workers; 0 renders in the worker thread itself.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import socket
import threading
import uuid
import zipfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from app.extensions import db
from app.models import Group, School, Student, User, utcnow
from tracking.profiles import pdf, render, services
from tracking.profiles.models import JobKind, JobStatus, ProfileJob, ProfileJobItem

log = logging.getLogger(__name__)

BATCH = 10  # students loaded (a fixed number of queries) and rendered to HTML at a time
MAX_PROCESSES = 2


class JobError(ValueError):
    """Raised for an export that cannot be started, with a message fit to show the user."""


def create_job(
    actor: User | None,
    school: School,
    students: list[Student],
    *,
    sensitive: bool,
    group: Group | None = None,
) -> ProfileJob:
    """Queue a zip of the students' profiles (one item per student, file names made safe
    and unique) and audit the export. Raises JobError when there is nobody to export.
    Flushes; never commits."""
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
        status=JobStatus.QUEUED,
        total=len(students),
        done_count=0,
        failures=[],
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
        actor,
        students,
        sensitive=sensitive,
        what=f"profiles zip of {title}",
        entity=job,
    )
    db.session.flush()
    return job


def stale_before(app: Flask | None = None):
    """Return the time before which a running job's heartbeat means its worker died."""
    app = app or current_app
    return utcnow() - timedelta(seconds=app.config["PROFILE_JOB_STALE_SECONDS"])


def is_stale(job: ProfileJob) -> bool:
    """True for a job nobody is working on: queued, or running with an old heartbeat."""
    if job.status == JobStatus.QUEUED:
        return True
    return job.status == JobStatus.RUNNING and (
        job.heartbeat_at is None or job.heartbeat_at < stale_before()
    )


def claim(worker: str, job_id: int | None = None) -> int | None:
    """Claim the oldest queued job (or a running one whose worker stopped beating) and return
    its id, or None. Atomic: the UPDATE matches only while the job is still claimable, so two
    workers racing for a job cannot both get it. Commits."""
    claimable = or_(
        ProfileJob.status == JobStatus.QUEUED,
        (ProfileJob.status == JobStatus.RUNNING)
        & or_(ProfileJob.heartbeat_at.is_(None), ProfileJob.heartbeat_at < stale_before()),
    )
    stmt = select(ProfileJob.id).where(claimable).order_by(ProfileJob.id).limit(1)
    if job_id is not None:
        stmt = stmt.where(ProfileJob.id == job_id)
    candidate = db.session.scalar(stmt)
    if candidate is None:
        db.session.rollback()
        return None
    now = utcnow()
    result = db.session.execute(
        update(ProfileJob)
        .where(ProfileJob.id == candidate, claimable)
        .values(
            status=JobStatus.RUNNING,
            worker=worker,
            heartbeat_at=now,
            started_at=now,
            attempts=ProfileJob.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return candidate if result.rowcount == 1 else None


def _pending_items(job_id: int) -> list[ProfileJobItem]:
    return list(
        db.session.scalars(
            select(ProfileJobItem)
            .where(
                ProfileJobItem.job_id == job_id,
                ProfileJobItem.pdf.is_(None),
                ProfileJobItem.error.is_(None),
            )
            .order_by(ProfileJobItem.position)
        )
    )


def _pool(processes: int) -> ProcessPoolExecutor | None:
    if processes <= 0:
        return None
    # spawn, not fork: the web process has threads (and database connections) that a forked
    # child must not inherit.
    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=pdf.worker_init,
    )


def run_job(
    job_id: int,
    worker: str,
    progress: Callable[[int, int], None] | None = None,
    processes: int | None = None,
) -> ProfileJob:
    """Render every pending student of a claimed job, recording each PDF or failure as it
    comes, the heartbeat with it; then mark the job done. A student that fails is reported
    and the rest go on. `progress(done, total)` is called after each student."""
    app = current_app._get_current_object()
    processes = app.config["PROFILE_PROCESSES"] if processes is None else processes
    job = db.session.get(ProfileJob, job_id)
    static_root = render.static_folders()
    workers = min(processes, MAX_PROCESSES, os.cpu_count() or 1)
    pool = _pool(workers)
    try:
        pending = _pending_items(job_id)
        in_flight: dict[Future, ProfileJobItem] = {}
        for start in range(0, len(pending), BATCH):
            items = pending[start : start + BATCH]
            errors: dict[int, Exception] = {}
            profiles = {
                p.student.id: p
                for p in services.load_profiles([i.student_id for i in items], errors=errors)
            }
            # HTML first, for the whole batch, while its rows are loaded (a commit expires them).
            pages: list[tuple[ProfileJobItem, str | None, str | None]] = []
            for item in items:
                try:
                    if item.student_id in errors:
                        raise errors[item.student_id]
                    if item.student_id not in profiles:
                        raise LookupError("The student is no longer on the roster")
                    html = render.profile_html(profiles[item.student_id], sensitive=job.sensitive)
                    pages.append((item, html, None))
                except Exception as error:  # one student's bad data must not stop the rest
                    pages.append((item, None, f"{type(error).__name__}: {error}"))
            for item, html, error in pages:
                if html is not None and pool is not None:
                    in_flight[pool.submit(pdf.render_pdf, html, static_root)] = item
                    continue
                data = None
                if html is not None:
                    try:
                        data = pdf.render_pdf(html, static_root)
                    except Exception as failure:
                        error = f"{type(failure).__name__}: {failure}"
                _record(job, item, data, error, progress)
            # Keep the pool fed while the next batch is loaded, but hold at most a batch.
            _collect(job, in_flight, progress, keep=workers)
        _collect(job, in_flight, progress, keep=0)
        job.status = JobStatus.DONE
        job.finished_at = utcnow()
        job.heartbeat_at = job.finished_at
        db.session.commit()
    except Exception as error:
        log.exception("Profile job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(ProfileJob, job_id)
        job.status = JobStatus.FAILED
        job.error = f"{type(error).__name__}: {error}"
        job.finished_at = utcnow()
        db.session.commit()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return job


def _collect(job, in_flight: dict, progress, keep: int) -> None:
    """Record finished PDFs of the pool until at most `keep` are still being made."""
    while len(in_flight) > keep:
        done, _ = wait(set(in_flight), return_when=FIRST_COMPLETED)
        for future in done:
            item = in_flight.pop(future)
            error = future.exception()
            if error is None:
                _record(job, item, future.result(), None, progress)
            else:
                _record(job, item, None, f"{type(error).__name__}: {error}", progress)


def _record(job, item, data, error, progress) -> None:
    item.pdf = data
    item.error = error
    item.finished_at = utcnow()
    if error:
        student = db.session.get(Student, item.student_id)
        name = student.full_name if student else f"student {item.student_id}"
        job.failures = [*(job.failures or []), {"student": name, "error": error[:500]}]
    job.done_count = (job.done_count or 0) + 1
    job.heartbeat_at = utcnow()
    db.session.commit()
    if progress:
        progress(job.done_count, job.total)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def work(once: bool = False) -> int:
    """Claim and run jobs until none is left (or one, with `once`); return how many ran."""
    name = worker_name()
    ran = 0
    while (job_id := claim(name)) is not None:
        run_job(job_id, name)
        ran += 1
        if once:
            break
    return ran


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


# ---- The worker thread of a web process: one per process, started when needed ----

_lock = threading.Lock()
_thread: threading.Thread | None = None
_wanted = threading.Event()


def ensure_worker(app: Flask) -> None:
    """Start this process's worker thread unless it is running (and tell it to look again)."""
    global _thread
    if not app.config["PROFILE_WORKER_AUTOSTART"]:
        return
    with _lock:
        _wanted.set()
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(
            target=_thread_main, args=(app,), name="profile-jobs", daemon=True
        )
        _thread.start()


def _thread_main(app: Flask) -> None:
    global _thread
    while True:
        _wanted.clear()
        try:
            with app.app_context():
                work()
                db.session.remove()
        except Exception:  # pragma: no cover (logged; the next request starts it again)
            log.exception("Profile worker thread stopped")
        with _lock:
            if not _wanted.is_set():
                _thread = None
                return
