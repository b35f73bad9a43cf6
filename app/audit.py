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
