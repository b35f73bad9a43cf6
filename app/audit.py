"""The audit log: every write by staff, with who, when, what, before and after."""

from datetime import date, datetime
from typing import Any

from app.extensions import db
from app.models import AuditEvent, User

COMMAND_LINE = "command line"


def snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> dict:
    """Return the named attributes of `obj` as JSON-safe values."""
    out = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, date | datetime):
            value = value.isoformat()
        out[name] = value
    return out


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Return only the keys whose values differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    actor: User | None,
    action: str,
    entity: Any,
    *,
    school_id: int | None = None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add an audit event for `entity` (flushed with the caller's transaction, not committed)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else COMMAND_LINE,
        school_id=school_id if school_id is not None else getattr(entity, "school_id", None),
        action=action,
        entity_type=type(entity).__tablename__,
        entity_id=entity.id,
        summary=summary[:300],
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def created(
    actor: User | None,
    action: str,
    row: Any,
    fields: list[str] | tuple[str, ...],
    *,
    summary: str,
    school_id: int | None = None,
) -> Any:
    """Add a new row, flush it (for its id) and audit its creation with the values of
    `fields`. Returns the row. Never commits."""
    db.session.add(row)
    db.session.flush()
    record(actor, action, row, school_id=school_id, summary=summary, after=snapshot(row, fields))
    return row


def edited(
    actor: User | None,
    action: str,
    row: Any,
    fields: list[str] | tuple[str, ...],
    data: dict,
    *,
    summary: str,
    school_id: int | None = None,
) -> bool:
    """Set the `fields` of `row` that `data` has, and audit what changed (before and after,
    named in the summary). Returns False, auditing nothing, when nothing did. Never commits."""
    before = snapshot(row, fields)
    for name in fields:
        if name in data:
            setattr(row, name, data[name])
    old, new = changes(before, snapshot(row, fields))
    if not new:
        return False
    db.session.flush()
    record(
        actor,
        action,
        row,
        school_id=school_id,
        summary=f"{summary}: {', '.join(sorted(new))}",
        before=old,
        after=new,
    )
    return True
