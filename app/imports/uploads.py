"""Files uploaded for an import (roster, grades, ...), kept between the preview and the
confirmation so that any app process can serve either step."""

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, update

from app.access import scoped
from app.extensions import db
from app.imports.table import ImportFileError
from app.models import Upload, User, utcnow

LIFETIME = timedelta(days=1)
# Keep each IN (...) list well inside every database's limit on bound parameters.
IN_LIST_SIZE = 5000
ALREADY_IMPORTED = "This file has already been imported. Upload it again to import it again."


def purge_expired(purpose: str | None = None) -> int:
    """Delete uploads more than LIFETIME old, applied or not (of one purpose, when given), so
    files of children's data do not pile up; return how many. Flushes; never commits."""
    stmt = delete(Upload).where(Upload.created_at < utcnow() - LIFETIME)
    if purpose is not None:
        stmt = stmt.where(Upload.purpose == purpose)
    return db.session.execute(stmt).rowcount or 0


def store_upload(user: User, purpose: str, filename: str, content: bytes) -> Upload:
    """Keep an uploaded file of `user`'s school until it is confirmed (expired uploads of the
    same purpose go first; a periodic task purges the rest). Flushes; never commits."""
    purge_expired(purpose)
    upload = Upload(
        school_id=user.school_id,
        user_id=user.id,
        purpose=purpose,
        filename=(filename or purpose)[-255:],
        content=content,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def upload_or_404(user: User, purpose: str, upload_id: int) -> Upload:
    """Return `user`'s own upload of this purpose; anyone else's is a 404."""
    return db.first_or_404(
        scoped(user, Upload).where(
            Upload.id == upload_id, Upload.purpose == purpose, Upload.user_id == user.id
        )
    )


def claim(upload: Upload) -> bool:
    """Mark the upload applied unless it already is; of two confirmations sent at once only
    one gets True, so a file is never applied twice."""
    claimed = db.session.execute(
        update(Upload)
        .where(Upload.id == upload.id, Upload.applied_at.is_(None))
        .values(applied_at=utcnow())
    ).rowcount
    return bool(claimed)


def preview(upload: Upload, make_plan: Callable[[bytes, str], Any]) -> tuple[Any, str | None]:
    """Return (plan, None) for an upload not yet applied, (None, message) when its file
    cannot be read, and (None, None) once it has been applied."""
    if upload.applied_at is not None:
        return None, None
    try:
        return make_plan(upload.content, upload.filename), None
    except ImportFileError as error:
        return None, str(error)


def in_chunks(items: list, size: int = IN_LIST_SIZE) -> Iterable[list]:
    """Yield `items` in slices small enough for one IN (...) list of an import's lookups."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
