"""The task queue: where it lives, which backend, tasks run in an app context, the shell's
periodic purge, and a round trip through Redis."""

import os
import shutil
import socket
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis
from huey import PriorityRedisHuey, RedisHuey, SqliteHuey
from sqlalchemy import select

from app import config, tasks
from app.extensions import db
from app.models import Role, Upload, utcnow
from tests.conftest import IN_CI, make_app
from tests.factories import make_group, make_school, make_student, make_user
from tracking.profiles import jobs
from tracking.profiles.models import ProfileJobItem


def test_the_default_queue_is_a_sqlite_file_of_its_database_own(tmp_path):
    instance = str(tmp_path / "instance")
    default = config.database_url(None, instance)
    assert config.task_queue_path(default, instance) == str(Path(instance) / "tasks.sqlite")
    # Any other database has a queue of its own: the test suite's never meets the dev one.
    other = "sqlite:///" + str(tmp_path / "suite" / "test.sqlite")
    assert config.task_queue_path(other, instance) == str(tmp_path / "suite" / "test-tasks.sqlite")
    postgres = "postgresql+psycopg://u:secret@db.example/tracker_prod"
    assert config.task_queue_path(postgres, instance) == str(
        Path(instance) / "tasks-tracker-tracker_prod.sqlite"
    )
    assert config.queue_name(postgres) == "tracker-tracker_prod"


def test_the_environment_sets_the_queue_path_and_redis(tmp_path):
    env = {"TASK_QUEUE_PATH": "/srv/queue.sqlite", "REDIS_URL": "redis://cache:6379/2"}
    settings = config.from_environment(str(tmp_path), env)
    assert settings["TASK_QUEUE_PATH"] == "/srv/queue.sqlite"
    assert settings["REDIS_URL"] == "redis://cache:6379/2"
    settings = config.from_environment(str(tmp_path), {})
    assert settings["TASK_QUEUE_PATH"] is None and settings["REDIS_URL"] is None


def test_an_app_queues_on_sqlite_beside_its_database_by_default(tmp_path):
    app = make_app("sqlite:///" + str(tmp_path / "db.sqlite"), REDIS_URL=None)
    assert not (tmp_path / "db-tasks.sqlite").exists()  # opened on first use only
    huey = tasks.queue(app).huey
    assert isinstance(huey, SqliteHuey)
    assert huey.storage.filename == str(tmp_path / "db-tasks.sqlite")
    assert (tmp_path / "db-tasks.sqlite").exists()
    named = make_app("sqlite:///" + str(tmp_path / "db.sqlite"), TASK_QUEUE_PATH="/x/q.sqlite")
    assert tasks.queue(named)._huey is None  # nothing opened yet, nothing made at /x


def test_every_declared_task_is_registered_and_periodic_ones_are_scheduled(app):
    huey = tasks.queue().huey
    registered = set(huey._registry._registry)
    for key in (
        "tracking.profiles.jobs.render_chunk",
        "tracking.profiles.jobs.resume_stalled_exports",
        "tracking.profiles.jobs.purge_expired_exports",
        "app.tasks.purge_expired_uploads",
    ):
        assert key in registered

    def due(hour: int, minute: int) -> set[str]:
        return {type(t).__name__ for t in huey.read_periodic(datetime(2026, 3, 2, hour, minute))}

    # Uploads hourly at :10; exports every ten minutes (sensitive ones last an hour).
    assert due(3, 10) == {
        "purge_expired_uploads",
        "purge_expired_exports",
        "resume_stalled_exports",
        "purge_rate_limits",
    }
    assert due(3, 40) == {"purge_expired_exports", "resume_stalled_exports", "purge_rate_limits"}
    assert due(3, 11) == {"resume_stalled_exports"}


def test_expired_uploads_are_purged_by_a_periodic_task(app):
    lead = make_user(Role.LEAD, make_school())
    old = Upload(
        school_id=lead.school_id,
        user_id=lead.id,
        purpose="roster",
        filename="old.csv",
        content=b"upn\n",
        created_at=utcnow() - timedelta(days=3),
    )
    fresh = Upload(
        school_id=lead.school_id, user_id=lead.id, purpose="roster", filename="new.csv", content=b""
    )
    db.session.add_all([old, fresh])
    db.session.commit()
    tasks.purge_expired_uploads.enqueue()
    assert tasks.queue().drain() == 1
    # The task ran in an app context of its own and committed: this session sees it.
    db.session.rollback()
    assert db.session.scalars(select(Upload.filename)).all() == ["new.csv"]


# ---- Redis ----


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis to queue on: TEST_REDIS_URL, or a redis-server of its own on a free port.
    Without one the Redis tests are skipped, except in CI, where they fail."""
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    server = shutil.which("redis-server")
    if server is None:
        message = "Redis tests need redis-server (apt-get install redis-server) or TEST_REDIS_URL"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_app(app, redis_url):
    """An app of the same database as `app`, queueing on Redis."""
    queued = make_app(app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url)
    with queued.app_context():
        yield queued
        tasks.queue(queued).huey.flush()
        db.session.remove()


def test_with_redis_url_the_queue_is_redis_named_after_the_database(redis_app):
    huey = tasks.queue(redis_app).huey
    assert isinstance(huey, RedisHuey) and isinstance(huey, PriorityRedisHuey)
    assert huey.name == config.queue_name(redis_app.config["SQLALCHEMY_DATABASE_URI"])


def test_an_export_goes_through_redis_and_back(redis_app):
    school = make_school()
    students = [make_student(school, first_name=f"Pupil{i}") for i in range(2)]
    group = make_group(school, name="9A", students=students)
    job = jobs.create_job(None, school, students, sensitive=False, group=group)
    db.session.commit()
    assert jobs.start(job) == 1
    huey = tasks.queue().huey
    client = redis.Redis(connection_pool=huey.storage.pool)
    assert client.zcard(huey.storage.queue_key) == 1  # the chunk is in Redis, not here
    item_ids = db.session.scalars(
        select(ProfileJobItem.id).where(ProfileJobItem.job_id == job.id)
    ).all()
    assert tasks.queue().queued_calls(jobs.render_chunk) == [((job.id, sorted(item_ids)), {})]
    assert tasks.queue().drain() == 1
    assert client.zcard(huey.storage.queue_key) == 0
    assert jobs.progress_of([job.id])[job.id] == jobs.Progress(total=2, made=2, failed=0)
