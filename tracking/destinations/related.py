"""The maths-related list in the database: read it, add to it, remove from it, restore the
entries shipped. Every change is audited; nothing here commits."""

from __future__ import annotations

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import User
from tracking.destinations import hecos
from tracking.destinations.models import MathsRelatedSubject


class RelatedError(ValueError):
    """A change to the list that cannot be made, with a message fit for the user."""


def entries() -> list[MathsRelatedSubject]:
    """The list, in code order (CAH codes, then HECoS codes)."""
    return list(db.session.scalars(select(MathsRelatedSubject).order_by(MathsRelatedSubject.code)))


def current() -> hecos.MathsRelated:
    """The list as the outcomes use it (one query)."""
    return hecos.MathsRelated(frozenset(db.session.scalars(select(MathsRelatedSubject.code))))


def normalise(code: str) -> str:
    """A code as typed ("cah07-01 ", "100425") as the list stores it."""
    code = (code or "").strip()
    return code.upper() if code[:3].casefold() == "cah" else code


def add(actor: User | None, code: str, reason: str) -> MathsRelatedSubject:
    """Add a CAH code or HECoS code with its reason (audited). Raises RelatedError for an
    unknown code, a code already listed, mathematics itself, or no reason."""
    code, reason = normalise(code), (reason or "").strip()
    if not hecos.valid_code(code):
        raise RelatedError(
            f"'{code}' is neither a CAH code (such as CAH07-01) nor a HECoS code in the list"
        )
    if hecos.in_group(code, hecos.MATHS_CAH) or (
        (found := hecos.subject(code)) is not None and found.is_maths
    ):
        raise RelatedError(f"{hecos.describe(code)} is mathematics (CAH09), not maths-related")
    if not reason:
        raise RelatedError("Give the reason this subject is maths-related")
    if db.session.scalar(select(MathsRelatedSubject.id).where(MathsRelatedSubject.code == code)):
        raise RelatedError(f"{hecos.describe(code)} is already on the list")
    added_by = actor.id if actor else None
    entry = MathsRelatedSubject(code=code, reason=reason[:2000], added_by_id=added_by)
    return audit.created(
        actor,
        "maths_related.add",
        entry,
        MathsRelatedSubject.FIELDS,
        summary=f"Added {hecos.describe(code)} to the maths-related list",
    )


def remove(actor: User | None, entry: MathsRelatedSubject) -> None:
    """Remove an entry; the audit log keeps its code and reason."""
    audit.record(
        actor,
        "maths_related.remove",
        entry,
        summary=f"Removed {entry.description} from the maths-related list",
        before=audit.snapshot(entry, MathsRelatedSubject.FIELDS),
    )
    db.session.delete(entry)
    db.session.flush()


def restore_defaults(actor: User | None) -> int:
    """Add back every entry shipped in tracking/data/maths_related.csv that is not on the
    list (audited, one event each); return how many."""
    listed = set(db.session.scalars(select(MathsRelatedSubject.code)))
    added = 0
    for code, reason in hecos.default_rows():
        if code not in listed:
            add(actor, code, reason)
            added += 1
    return added
