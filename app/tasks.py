"""Background work on a Huey task queue: SQLite-backed by default (a file beside the
database, see config.task_queue_path), Redis-backed when REDIS_URL is set.

Areas declare their tasks with `task()` and `periodic_task()` when their modules are
imported; `init_app` gives the app a queue that registers every declared task on first use,
each wrapped to run inside an app context of that app. Web processes only enqueue;
`flask worker` (app.cli) runs `run_consumer`: worker processes at low priority, each one
tied to the consumer's life so that killing the consumer leaves no orphans.

Huey delivers a task at most once: a worker killed mid-task loses it. Tasks are therefore
written to be re-run safely, and whoever owns the work re-enqueues what is lost (the
profile exports do it in a periodic task).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import PriorityRedisHuey, SqliteHuey, crontab
from huey.api import Huey, TaskWrapper
from huey.consumer import Consumer as HueyConsumer
from huey.consumer import Scheduler, Worker
from huey.exceptions import HueyException

from app import config as app_config
from app.extensions import db

log = logging.getLogger(__name__)

EXTENSION = "tasks"
WORKER_NICENESS = 10  # PDFs and purges must never starve the web workers
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class _Declaration:
    func: Callable
    options: dict
    schedule: Callable | None = None


_declared: dict[str, _Declaration] = {}


class Task:
    """A declared task. Call it to run it here and now (in the caller's app context), or
    `enqueue` it for a worker of the current app's queue."""

    def __init__(self, func: Callable):
        self.func = func
        self.key = f"{func.__module__}.{func.__name__}"
        functools.update_wrapper(self, func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def enqueue(self, *args: Any, **kwargs: Any) -> None:
        """Put a call on the current app's queue; the arguments must pickle (ids, not rows)."""
        queue().wrapper(self)(*args, **kwargs)


def task(
    *, retries: int = 0, retry_delay: int = 0, priority: int | None = None, context: bool = False
):
    """Declare a task: a worker retries it up to `retries` times, `retry_delay` seconds
    apart, when it raises; a higher `priority` is taken from the queue first. With
    `context`, Huey passes its own task as `task=` (its `retries` is the tries left)."""
    options = {"retries": retries, "retry_delay": retry_delay, "priority": priority}
    return _declarer(dict(options, context=context))


def periodic_task(schedule: Callable, *, retries: int = 0, priority: int | None = None):
    """Declare a task that the consumer's scheduler enqueues whenever `schedule` (a Huey
    `crontab`, in UTC) matches the minute; the scheduler also checks once as it starts."""
    return _declarer({"retries": retries, "priority": priority}, schedule)


def _declarer(options: dict, schedule: Callable | None = None) -> Callable[[Callable], Task]:
    def declare(func: Callable) -> Task:
        declared = Task(func)
        _declared[declared.key] = _Declaration(func, options, schedule)
        return declared

    return declare


class TaskQueue:
    """The app's Huey, made on first use (an app that never queues anything opens no queue)
    with every declared task registered on it."""

    def __init__(self, app: Flask):
        self.app = app
        self._huey: Huey | None = None
        self._wrappers: dict[str, TaskWrapper] = {}
        self._lock = threading.Lock()

    @property
    def huey(self) -> Huey:
        with self._lock:
            if self._huey is None:
                self._huey = self._make_huey()
            for key in _declared.keys() - self._wrappers.keys():
                self._wrappers[key] = self._register(_declared[key])
            return self._huey

    def wrapper(self, declared: Task) -> TaskWrapper:
        self.huey  # noqa: B018 (registers tasks declared since the last use)
        return self._wrappers[declared.key]

    def _make_huey(self) -> Huey:
        config = self.app.config
        database = config["SQLALCHEMY_DATABASE_URI"]
        name = app_config.queue_name(database)
        if config.get("REDIS_URL"):
            # The priority flavour (a RedisHuey too), so priorities work as on SQLite.
            huey = PriorityRedisHuey(name, url=config["REDIS_URL"], results=False)
        else:
            path = config.get("TASK_QUEUE_PATH") or app_config.task_queue_path(
                database, self.app.instance_path
            )
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            huey = SqliteHuey(name, filename=path, results=False, timeout=10)
        app = self.app

        @huey.on_startup()
        def own_database_connections() -> None:
            # A forked worker must not share the consumer's pooled connections.
            with app.app_context():
                for engine in db.engines.values():
                    engine.dispose(close=False)

        return huey

    def _register(self, declaration: _Declaration) -> TaskWrapper:
        app, func = self.app, declaration.func

        @functools.wraps(func)  # keeps the module and name Huey files the task under
        def in_app_context(*args, **kwargs):
            with app.app_context():
                return func(*args, **kwargs)

        if declaration.schedule is not None:
            decorate = self._huey.periodic_task(declaration.schedule, **declaration.options)
        else:
            decorate = self._huey.task(**declaration.options)
        return decorate(in_app_context)

    def queued_calls(self, declared: Task) -> list[tuple[tuple, dict]]:
        """Return the (args, kwargs) of every call of a task waiting on the queue or
        scheduled for a retry; calls being run by a worker are not there."""
        huey, task_class = self.huey, self.wrapper(declared).task_class
        calls = []
        for data in [*huey.storage.enqueued_items(), *huey.storage.scheduled_items()]:
            try:
                waiting = huey.deserialize_task(data)
            except HueyException:  # a task this version of the code does not know
                continue
            if isinstance(waiting, task_class):
                calls.append((tuple(waiting.args), dict(waiting.kwargs)))
        return calls

    def drain(self) -> int:
        """Run every queued task in this process until the queue is empty (tasks queued by
        those tasks included) and return how many ran; retries that wait for a delay stay
        scheduled. For tests, and for running a queue by hand without a consumer."""
        huey, ran = self.huey, 0
        while (waiting := huey.dequeue()) is not None:
            huey.execute(waiting)
            ran += 1
        return ran


def init_app(app: Flask) -> None:
    """Give the app its task queue (see TaskQueue)."""
    app.extensions[EXTENSION] = TaskQueue(app)


def queue(app: Flask | None = None) -> TaskQueue:
    """Return the task queue of `app`, or of the current app."""
    return (app or current_app).extensions[EXTENSION]


# ---- The consumer: `flask worker` ----


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies, so that a consumer killed
    outright (SIGKILL, the OOM killer) leaves no orphan behind. Elsewhere, do nothing."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
    elif os.getppid() != parent_pid:
        os._exit(1)  # the consumer died between the fork and the prctl


class _Worker(Worker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_pid = os.getpid()  # made in the consumer, run in a forked child

    def initialize(self) -> None:
        _die_with_parent(self.parent_pid)
        with contextlib.suppress(OSError):  # not allowed on some systems
            os.nice(WORKER_NICENESS)
        super().initialize()


class _Scheduler(Scheduler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_pid = os.getpid()

    def initialize(self) -> None:
        _die_with_parent(self.parent_pid)
        super().initialize()


class Consumer(HueyConsumer):
    """Huey's consumer with workers that lower their priority and die with the consumer."""

    worker_class = _Worker
    scheduler_class = _Scheduler


def run_consumer(
    app: Flask, *, workers: int = 2, periodic: bool = True, shutdown_timeout: float = 60.0
) -> None:
    """Run the app's consumer until it is stopped: `workers` forked worker processes and a
    scheduler (which also enqueues the periodic tasks unless `periodic` is false).

    SIGTERM (or SIGHUP, to restart) stops it gracefully: no task is taken any more and the
    tasks in hand are finished, for up to `shutdown_timeout` seconds, before the workers
    are interrupted; what is still queued waits for the next consumer. SIGINT stops it at
    once; an interrupted task is lost, so tasks must be safe to run again."""
    huey = queue(app).huey
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()
    consumer = Consumer(
        huey,
        workers=workers,
        periodic=periodic,
        worker_type="process",
        graceful_signal="TERM",
        shutdown_timeout=shutdown_timeout,
        max_delay=2.0,  # SQLite is polled: an export waits at most this long to start
    )
    consumer.run()


# ---- The shell's own periodic work ----


@periodic_task(crontab(minute="10"))
def purge_expired_uploads() -> int:
    """Hourly, delete import uploads past their lifetime (app.imports.uploads.LIFETIME)
    that nobody confirmed, so files of children's data do not pile up."""
    from app.imports import uploads

    purged = uploads.purge_expired()
    db.session.commit()
    return purged


@periodic_task(crontab(minute="*/10"))
def purge_rate_limits() -> int:
    """Every ten minutes, delete the attempt counters (app.throttle) past their window; with
    Redis they expire by themselves."""
    from app import throttle

    return throttle.purge()
