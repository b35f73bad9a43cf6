"""Writing an import in short transactions, still all or nothing.

An importer's `write` is a generator: it writes at most `CHUNK_ROWS` rows through the
session's objects (`add`, setting attributes), or with bulk INSERT statements whose rows it
reports with `inserted` (never bulk UPDATE or DELETE statements), then yields, and
`write_in_steps` commits that step. So no transaction holds the database for long
(a class saving survey answers waits for one step at most, not for the whole file). While
the steps run, a `Journal` listens to the session's flushes and keeps what each committed
step did: the rows it inserted, and the old values of the fields it changed. If any step
fails (a UPN taken meanwhile, a database error, anything), the journal takes back what the
committed steps wrote, again in short transactions: new rows deleted (newest tables first),
with the audit entries about them, changed fields restored where they still hold the
import's value (a later edit by someone else is kept), and the upload unclaimed, so the file
can be imported again.

A process killed in the middle of an import cannot undo it: its committed steps stay. On
SQLite each commit is followed by a short pause, so that other writers, which poll for the
lock, get it between two steps instead of waiting for the whole import.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import delete, event, inspect, select, tuple_, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app import retry
from app.extensions import db
from app.models import AuditEvent, Upload

log = logging.getLogger(__name__)

CHUNK_ROWS = 500
# Other writers poll for SQLite's lock every 100 ms at most once they have waited a while:
# a pause about that long between steps lets each of them in.
SQLITE_PAUSE = 0.1
TOO_BUSY = (
    "Nothing was imported: the database could not finish the import (it was busy, or a "
    "student changed meanwhile). Please check the preview and try again."
)


class ImportUndone(ValueError):
    """Writing an import failed part-way on a database error other than an integrity error
    (which is raised as it is); everything it wrote was undone. `str()` is for the user."""


JOURNAL = "import_journal"  # the session.info key of the running import's Journal


def inserted(model: type, keys: list) -> None:
    """Tell the running import (if any) that a bulk INSERT of this step added the rows of
    `model` with these primary keys (values, or tuples of values for a composite key)."""
    journal = db.session.info.get(JOURNAL)
    if journal is not None:
        table = inspect(model).local_table
        journal.pending_rows(table, [k if isinstance(k, tuple) else (k,) for k in keys])


def pause_between_steps() -> None:
    """Give other writers of a SQLite database their turn (PostgreSQL needs none)."""
    if db.session.get_bind().dialect.name == "sqlite":
        time.sleep(SQLITE_PAUSE * random.uniform(0.75, 1.25))


def write_in_steps(steps: Iterator[Any], upload: Upload | None = None) -> None:
    """Run an importer's `write` generator, committing after each step (the caller's pending
    work, such as claiming `upload`, goes with the first). On any error everything the
    committed steps wrote is undone and `upload` is marked not applied; then an
    IntegrityError (or any error that is not the database's) is raised again, and any other
    database error becomes ImportUndone."""
    session = db.session()
    upload_id = upload.id if upload is not None else None
    journal = Journal()
    journal.start(session)
    try:
        for _ in steps:
            session.commit()
            journal.keep()
            pause_between_steps()
        session.commit()
        journal.keep()
    except BaseException as error:
        session.rollback()
        journal.stop(session)
        journal.undo(upload_id)
        if isinstance(error, SQLAlchemyError) and not isinstance(error, IntegrityError):
            raise ImportUndone(TOO_BUSY) from error
        raise
    journal.stop(session)


class Journal:
    """What an import's committed steps wrote through the session: the primary keys of the
    rows inserted, by table, and the fields changed, with their value before the import and
    the value it wrote. Steps not yet committed are kept apart until `keep`."""

    def __init__(self) -> None:
        self.created: dict[Any, list[tuple]] = {}
        self.changed: dict[tuple, tuple[type, dict, dict]] = {}
        self._created: list[tuple[Any, tuple]] = []
        self._changed: list[tuple[tuple, type, dict, dict]] = []

    def start(self, session: Session) -> None:
        """Record what `session` writes from now on (see `inserted` for bulk INSERTs)."""
        event.listen(session, "after_flush", self.after_flush)
        session.info[JOURNAL] = self

    def stop(self, session: Session) -> None:
        event.remove(session, "after_flush", self.after_flush)
        session.info.pop(JOURNAL, None)

    def after_flush(self, session: Session, _context) -> None:
        # Still the state before the flush: `new` and `dirty` and each attribute's history.
        for obj in session.new:
            mapper = inspect(obj).mapper
            self._created.append((mapper.local_table, tuple(mapper.primary_key_from_instance(obj))))
        for obj in session.dirty:
            state = inspect(obj)
            if state.key is None:
                continue
            mapper = state.mapper
            skip = {c.key for c in mapper.primary_key}
            if mapper.version_id_col is not None:
                skip.add(mapper.get_property_by_column(mapper.version_id_col).key)
            before, after = {}, {}
            for prop in mapper.column_attrs:
                history = state.attrs[prop.key].history
                if prop.key in skip or not (history.added and history.deleted):
                    continue
                before[prop.key], after[prop.key] = history.deleted[0], history.added[0]
            if after:
                self._changed.append((state.key, mapper.class_, before, after))

    def pending_rows(self, table, keys: list[tuple]) -> None:
        """Rows of `table` the step being written inserted (kept once it is committed)."""
        self._created += [(table, key) for key in keys]

    def keep(self) -> None:
        """The step just written is committed: its rows and changes are the import's now."""
        for table, key in self._created:
            self.created.setdefault(table, []).append(key)
        for identity, cls, before, after in self._changed:
            if identity in self.changed:
                first = self.changed[identity][1]
                before = {**before, **first}
                after = {**self.changed[identity][2], **after}
            self.changed[identity] = (cls, before, after)
        self._created, self._changed = [], []

    def undo(self, upload_id: int | None = None) -> None:
        """Take back what the committed steps wrote, in short transactions, and mark the
        upload `upload_id` not applied. Rows that something else has come to depend on
        meanwhile (a grade for a new student) cannot be deleted: they stay, and are logged."""
        self._created, self._changed = [], []
        new_keys = {(table, key) for table, keys in self.created.items() for key in keys}
        restores = [
            (cls, identity[1], before, after)
            for identity, (cls, before, after) in self.changed.items()
            if (inspect(cls).local_table, identity[1]) not in new_keys
        ]
        for start in range(0, len(restores), CHUNK_ROWS):
            retry.committed(lambda part=restores[start : start + CHUNK_ROWS]: _restore(part))
            pause_between_steps()
        for table in reversed(db.metadata.sorted_tables):
            keys = self.created.get(table, [])
            for start in range(0, len(keys), CHUNK_ROWS):
                _delete_rows(table, keys[start : start + CHUNK_ROWS])
                pause_between_steps()
        if upload_id is not None:
            retry.committed(
                lambda: db.session.execute(
                    update(Upload).where(Upload.id == upload_id).values(applied_at=None)
                )
            )
        self.created, self.changed = {}, {}


def _restore(part: list[tuple[type, tuple, dict, dict]]) -> None:
    """Put back the old value of each field that still holds the value the import wrote."""
    by_class: dict[type, list[tuple]] = {}
    for cls, key, before, after in part:
        by_class.setdefault(cls, []).append((key, before, after))
    for cls, items in by_class.items():
        columns = list(inspect(cls).primary_key)
        keys = [key for key, _before, _after in items]
        found = {
            tuple(inspect(cls).primary_key_from_instance(obj)): obj
            for obj in db.session.scalars(select(cls).where(_key_in(columns, keys)))
        }
        for key, before, after in items:
            obj = found.get(key)
            for name, value in before.items():
                if obj is not None and getattr(obj, name) == after[name]:
                    setattr(obj, name, value)


def _delete_rows(table, keys: list[tuple]) -> None:
    """Delete the rows of `table` with these primary keys, and the audit entries about them:
    all at once, or one by one when one of them cannot go (something refers to it now),
    keeping those."""
    columns = list(table.primary_key.columns)

    def delete_all(chosen: list[tuple]):
        def work() -> None:
            db.session.execute(delete(table).where(_key_in(columns, chosen)))
            if len(columns) == 1 and table is not AuditEvent.__table__:
                db.session.execute(
                    delete(AuditEvent).where(
                        AuditEvent.entity_type == table.name,
                        AuditEvent.entity_id.in_([key[0] for key in chosen]),
                    )
                )

        return work

    try:
        retry.committed(delete_all(keys))
    except IntegrityError:
        for key in keys:
            try:
                retry.committed(delete_all([key]))
            except IntegrityError:
                log.warning("Undoing an import: %s %s is in use and stays", table.name, key)


def _key_in(columns: list, keys: list[tuple]):
    """The condition "primary key is one of `keys`" (tuples of the columns' values)."""
    if len(columns) == 1:
        return columns[0].in_([key[0] for key in keys])
    return tuple_(*columns).in_(keys)
