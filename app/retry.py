"""Retrying a short write that met a busy database: the one rule for "database is locked".

On SQLite a transaction that read before it wrote gets SQLITE_BUSY at once when another
writer committed meanwhile (the busy timeout does not help it), and any write gives up after
the busy timeout; on PostgreSQL two writers can deadlock or fail to serialise. Each of these
leaves nothing written, so the write can simply run again. `committed` runs a unit of work
and commits it, running it again after such an error, with short growing pauses, for at most
as long as the SQLite busy timeout.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from app.extensions import SQLITE_BUSY_TIMEOUT_MS, db

T = TypeVar("T")

WITHIN_SECONDS = SQLITE_BUSY_TIMEOUT_MS / 1000
FIRST_PAUSE = 0.01
LONGEST_PAUSE = 0.2
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")
_POSTGRESQL_RETRY = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def is_busy(error: BaseException) -> bool:
    """True when `error` says the database was busy (nothing was written): SQLite's
    "database is locked", a PostgreSQL deadlock or serialisation failure."""
    if not isinstance(error, DBAPIError):
        return False
    if getattr(error.orig, "sqlstate", None) in _POSTGRESQL_RETRY:
        return True
    message = str(error.orig).lower()
    return any(text in message for text in _SQLITE_BUSY)


def committed(work: Callable[[], T], within: float = WITHIN_SECONDS) -> T:
    """Run `work` (which writes through `db.session`, and never commits) and commit; return
    what it returned. When the database was busy, roll back and run it again after a short
    pause, until `within` seconds have gone; then the last error is raised, rolled back."""
    deadline = time.monotonic() + within
    pause = FIRST_PAUSE
    while True:
        try:
            result = work()
            db.session.commit()
            return result
        except DBAPIError as error:
            db.session.rollback()
            if not is_busy(error) or time.monotonic() + pause > deadline:
                raise
        # Jitter, so that writers who met each other do not meet again.
        time.sleep(pause * random.uniform(0.5, 1.5))
        pause = min(pause * 2, LONGEST_PAUSE)
