"""Two people editing one record: no silent overwrite.

A form carries the version of the record it showed (`app.models.Versioned`, a hidden field).
A service asked to save it over a newer version refuses (`check` raises EditConflict) unless
the save would change nothing, and so does the database when the newer change lands between
the check and the write (SQLAlchemy's version counter in the UPDATE's WHERE: `stale_guard`).
The view then rolls back and shows `notice(record)`: "Changed by NAME at TIME since you
opened it", with each value typed beside the value stored now, the typed ones kept in the
form. Who and when come from the record's latest change in the audit log, the one place
every write is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, Field, SelectField

from app.audit import COMMAND_LINE
from app.extensions import db
from app.models import AuditEvent
from app.templating import uk_date

# The audit actions that change a record (`audit.created`, `audit.edited`, deletes); others,
# such as an export naming a student, leave it as it was.
_CHANGES = (".create", ".update", ".delete")
_NOT_SHOWN = ("csrf_token", "version")


class EditConflict(Exception):
    """Raised by a service asked to save over a newer version of `record` than the form
    showed. Nothing was written: the caller rolls back and shows `notice(record)`."""

    def __init__(self, record: Any):
        # Only the type: after a refused flush the record cannot be read until rollback.
        super().__init__(f"This {type(record).__name__} changed since it was shown")
        self.record = record


def shown_version(text: str | None) -> int | None:
    """The version a form says it showed: None when it sent none (nothing to check), 0 for
    anything that is not a version (which no record has, so it counts as out of date)."""
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0


def check(record: Any, shown: int | None, data: dict[str, Any]) -> None:
    """Raise EditConflict when the form showed an older version of `record` than the stored
    one and saving `data` (attribute -> value) would change it. A form that sent no version
    is not checked; one that would change nothing has nothing to lose."""
    if shown is None or shown == record.version:
        return
    if any(getattr(record, name) != value for name, value in data.items()):
        raise EditConflict(record)


@contextmanager
def stale_guard(record: Any) -> Iterator[None]:
    """Turn the database's refusal of a write over a newer version (another save landed
    after `check`) into EditConflict. The session must then be rolled back."""
    try:
        yield
    except StaleDataError as error:
        raise EditConflict(record) from error


@dataclass(frozen=True)
class Change:
    """The latest change of a record: who made it (a display name) and when (UTC)."""

    by: str
    at: datetime | None

    @property
    def message(self) -> str:
        """ "Changed by Ann Lee at 20/08/2026 14:03 since you opened it"."""
        when = f" at {uk_date(self.at)}" if self.at else ""
        return f"Changed by {self.by}{when} since you opened it"


def last_change(entity_type: str, entity_id: int) -> Change:
    """Who last created, edited or deleted the record `entity_type` (its table) `entity_id`,
    and when, from the audit log; "someone else" when the log has no such entry."""
    event = db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == entity_type,
            AuditEvent.entity_id == entity_id,
            or_(*(AuditEvent.action.endswith(suffix) for suffix in _CHANGES)),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return Change("someone else", None)
    if event.actor is not None:
        return Change(event.actor.display_name, event.at)
    return Change(event.actor_label or COMMAND_LINE, event.at)


@dataclass(frozen=True)
class Difference:
    """One field whose typed value is not the stored one: its id (to link to), label and
    both values as a person reads them."""

    id: str
    label: str
    typed: str
    stored: str


@dataclass(frozen=True)
class Notice:
    """What an edit form shows when its save was refused."""

    change: Change
    differences: list[Difference] = field(default_factory=list)

    @property
    def message(self) -> str:
        return self.change.message


def shown_value(form_field: Field) -> str:
    """A field's value as a person reads it: a choice's label, Yes or No, a date in the
    house format, or the text."""
    if isinstance(form_field, BooleanField):
        return "Yes" if form_field.data else "No"
    if isinstance(form_field, SelectField):
        value = "" if form_field.data is None else str(form_field.data)
        for choice in form_field.iter_choices():
            if str(choice.value) == value:
                return str(choice.label)
    if isinstance(form_field.data, date):
        return uk_date(form_field.data)
    if hasattr(form_field, "_value"):  # what the input shows
        text = str(form_field._value())
    else:
        text = "" if form_field.data is None else str(form_field.data)
    return text if text.strip() else "(empty)"


def notice(record: Any, typed: Any, stored: Any) -> Notice:
    """The notice of a refused save of `record` (reloaded: call after the rollback): who
    changed it and when, and the fields whose value in the `typed` form differs from the
    `stored` one (the same form class filled from the record). Sets the typed form's
    `version` to the stored one, so saving it again, once read, replaces what is stored."""
    typed.version.data = record.version
    differences = []
    for name in (f.short_name for f in typed if f.short_name not in _NOT_SHOWN):
        now, mine = shown_value(stored[name]), shown_value(typed[name])
        if now != mine:
            differences.append(Difference(typed[name].id, str(typed[name].label.text), mine, now))
    return Notice(last_change(type(record).__tablename__, record.id), differences)
