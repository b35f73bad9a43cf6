"""A real consumer: `flask worker` in a process of its own, against a SQLite database file
and a SQLite queue file, making an export of twelve students. Stopped with SIGTERM it
finishes what it has in hand and the next consumer finishes the rest; killed with SIGKILL it
leaves no worker behind, and the next consumer puts the lost students back and finishes.

Each test takes a few seconds (two consumer starts, twelve PDFs); deselect them with
`-m "not consumer"`."""

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from app import tasks
from app.extensions import db
from app.models import Role
from tests.conftest import make_app
from tests.factories import make_group, make_school, make_student, make_user
from tracking.profiles import jobs
from tracking.profiles.models import ProfileJob, ProfileJobItem

pytestmark = [
    pytest.mark.consumer,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

ROOT = Path(__file__).resolve().parents[1]
STUDENTS = 12
TIMEOUT = 90  # seconds for anything a consumer is waited for: a bound, not an estimate


def child_pids(pid: int) -> list[int]:
    """Return the processes whose parent is `pid`, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def is_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped is dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def processes_using(path: Path) -> list[int]:
    """Return the live processes whose command line names `path` (this test's consumers and
    their workers, orphaned or not)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(path).encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return [pid for pid in found if is_alive(pid)]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class Export:
    """An export queued on a database file, with consumers to run it and ways to look."""

    def __init__(self, tmp_path: Path, config: dict):
        self.tmp_path, self.config = tmp_path, config
        self.consumers: list[subprocess.Popen] = []
        self.job_id = 0

    def start_consumer(self) -> subprocess.Popen:
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in ("DATABASE_URL", "REDIS_URL", "TASK_QUEUE_PATH", "FLASK_APP")
        }
        log = open(self.tmp_path / f"consumer-{len(self.consumers)}.log", "wb")  # noqa: SIM115
        consumer = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                f"app:create_app({self.config!r})",
                "worker",
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.consumers.append(consumer)
        return consumer

    def stop(self, consumer: subprocess.Popen) -> int:
        consumer.send_signal(signal.SIGTERM)
        return consumer.wait(timeout=TIMEOUT)

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.tmp_path.glob("consumer-*.log")))

    def progress(self) -> jobs.Progress:
        db.session.rollback()  # a fresh look at what the workers committed
        return jobs.progress_of([self.job_id])[self.job_id]

    def waiting_item_ids(self) -> set[int]:
        db.session.rollback()
        return set(
            db.session.scalars(
                select(ProfileJobItem.id).where(
                    ProfileJobItem.job_id == self.job_id,
                    ProfileJobItem.pdf.is_(None),
                    ProfileJobItem.error.is_(None),
                )
            )
        )

    def queued_item_ids(self) -> set[int]:
        calls = tasks.queue().queued_calls(jobs.render_chunk)
        return {item_id for args, _ in calls for item_id in args[1]}

    def worker_pids(self) -> set[int]:
        db.session.rollback()
        return set(
            db.session.scalars(
                select(ProfileJobItem.worker_pid).where(ProfileJobItem.job_id == self.job_id)
            )
        )

    def assert_every_student_is_in_the_zip(self) -> None:
        job = db.session.get(ProfileJob, self.job_id)
        with zipfile.ZipFile(io.BytesIO(jobs.zip_bytes(job))) as archive:
            names = archive.namelist()
            assert len(names) == len(set(names)) == STUDENTS
            assert all(archive.read(name).startswith(b"%PDF-") for name in names)
        assert self.progress() == jobs.Progress(total=STUDENTS, made=STUDENTS, failed=0)


@pytest.fixture
def export(tmp_path, request):
    """An export of twelve students queued in chunks of two, on files in tmp_path. A test
    may mark itself `@pytest.mark.parametrize("stalled_after", [...], indirect=True)`."""
    config = {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "tracker.sqlite"),
        "TASK_QUEUE_PATH": str(tmp_path / "tasks.sqlite"),
        "REDIS_URL": None,
        "PROFILE_CHUNK_SIZE": 2,
        "PROFILE_STALLED_AFTER_SECONDS": getattr(request, "param", None),
    }
    app = make_app(config["SQLALCHEMY_DATABASE_URI"], **config)
    export = Export(tmp_path, config)
    with app.app_context():
        db.create_all()
        school = make_school()
        make_user(Role.LEAD, school)
        students = [make_student(school, first_name=f"Pupil{n}") for n in range(STUDENTS)]
        group = make_group(school, name="11X1", students=students)
        job = jobs.create_job(None, school, students, sensitive=False, group=group)
        db.session.commit()
        export.job_id = job.id
        assert jobs.start(job) == STUDENTS // 2
        try:
            yield export
        finally:
            # Whatever a failed test left running goes, orphaned workers included.
            for pid in processes_using(tmp_path):
                os.kill(pid, signal.SIGKILL)
            for consumer in export.consumers:
                consumer.wait(timeout=10)
            db.session.remove()
            db.engine.dispose()


def test_the_consumer_makes_the_pdfs_in_a_pool_of_worker_processes(export):
    consumer = export.start_consumer()
    wait_until(lambda: export.progress().finished, "the export")
    workers = set(child_pids(consumer.pid))
    pids = export.worker_pids()
    assert len(pids) >= 2, export.logs()  # both workers took chunks
    assert pids <= workers  # ...and they are the consumer's own processes,
    assert consumer.pid not in pids and os.getpid() not in pids  # not it, nor this one
    assert export.stop(consumer) == 0
    export.assert_every_student_is_in_the_zip()


def test_sigterm_finishes_the_tasks_in_hand_and_a_restart_finishes_the_export(export):
    consumer = export.start_consumer()
    wait_until(lambda: export.progress().processed >= 1, "the first PDF")
    assert export.stop(consumer) == 0, export.logs()
    assert 0 < export.progress().processed < STUDENTS  # it did stop mid-export
    # Nothing it had in hand was dropped: every student still waiting is on the queue.
    waiting = export.waiting_item_ids()
    assert waiting and waiting <= export.queued_item_ids()
    # Lost tasks are resumed only after ten minutes here: the queue alone finishes it.
    consumer = export.start_consumer()
    wait_until(lambda: export.progress().finished, "the export to finish after a restart")
    assert export.stop(consumer) == 0
    export.assert_every_student_is_in_the_zip()


@pytest.mark.parametrize("export", [1], indirect=True)  # stalled after 1 s
def test_sigkill_leaves_no_orphan_and_a_restart_resumes_the_lost_students(export):
    consumer = export.start_consumer()
    wait_until(lambda: export.progress().processed >= 1, "the first PDF")
    children = child_pids(consumer.pid)
    assert len(children) == 3 and all(map(is_alive, children))  # a scheduler, two workers
    consumer.kill()
    consumer.wait(timeout=10)
    wait_until(lambda: not any(map(is_alive, children)), "the workers to die with it", 10)
    assert export.progress().processed < STUDENTS
    # The chunks in hand were lost with the workers: no task of the queue has them.
    lost = export.waiting_item_ids() - export.queued_item_ids()
    assert lost, "nothing was in hand when the consumer was killed"
    time.sleep(1.5)  # so that the export counts as stalled when the next consumer looks
    consumer = export.start_consumer()
    wait_until(lambda: export.progress().finished, "the export to finish after a restart")
    assert export.stop(consumer) == 0
    export.assert_every_student_is_in_the_zip()
