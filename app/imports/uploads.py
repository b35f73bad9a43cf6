"""Files uploaded for an import (roster, grades, ...), kept between the preview and the
confirmation so that any app process can serve either step.

A file is read once, in a child process with limits (`app.imports.reader`), when it is
uploaded; its table is kept with it (`Upload.parsed_table`, packed) and the preview and the
confirmation read that, never the file again. Reading it again happens only when the user
asks for another encoding (`reread`). The app's MAX_IMPORT_ROWS (20,000 by default) caps the
data rows of a file.
"""

from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, update

from app.access import scoped
from app.extensions import db
from app.imports.reader import read_isolated
from app.imports.table import MAX_ROWS, ImportFileError, Table, encoding_name, unpack_table
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


def max_rows() -> int:
    """The most data rows a file may have: the app's MAX_IMPORT_ROWS."""
    return int(current_app.config.get("MAX_IMPORT_ROWS", MAX_ROWS))


def read_packed(content: bytes, filename: str, encoding: str | None = None) -> bytes:
    """Read a file in a child process with limits and return its table packed, to keep with
    its upload. Raises ImportFileError with a message fit to show the user."""
    return read_isolated(content, filename, max_rows=max_rows(), encoding=encoding).packed


def read_file(content: bytes, filename: str, encoding: str | None = None) -> Table:
    """Read a file's table in a child process with limits, as every upload is read (the
    command line import uses this). Raises ImportFileError."""
    return unpack_table(read_packed(content, filename, encoding))


def store_upload(
    user: User,
    purpose: str,
    filename: str,
    content: bytes,
    parsed_table: bytes | None = None,
    school_id: int | None = None,
) -> Upload:
    """Keep a file `user` uploaded for a school (`school_id`, by default their own), and its
    table packed as `read_packed` gives it, until it is confirmed (expired uploads of the
    same purpose go first; a periodic task purges the rest). Flushes; never commits."""
    purge_expired(purpose)
    upload = Upload(
        school_id=school_id or user.school_id,
        user_id=user.id,
        purpose=purpose,
        filename=(filename or purpose)[-255:],
        content=content,
        parsed_table=parsed_table,
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


def table_of(upload: Upload) -> Table:
    """Return the table kept with an upload. An upload stored before tables were kept has its
    file read now (in a child) and the table kept with it when the caller commits.

    Raises ImportFileError when that file cannot be read."""
    if upload.parsed_table is None:
        upload.parsed_table = read_packed(upload.content, upload.filename)
    return unpack_table(upload.parsed_table)


def stored_table(upload: Upload) -> tuple[Table | None, str | None]:
    """Return (table, None) for an upload not yet applied, (None, message) when its file
    cannot be read, and (None, None) once it has been applied."""
    if upload.applied_at is not None:
        return None, None
    try:
        return table_of(upload), None
    except ImportFileError as error:
        return None, str(error)


def reread(upload: Upload, encoding: str) -> None:
    """Read an upload's CSV file again with `encoding`, one of the other encodings its table
    names, and keep that table instead. Flushes; never commits.

    Raises ImportFileError for any other encoding, or when the file cannot be read so."""
    if encoding not in table_of(upload).other_encodings:
        raise ImportFileError(f"This file cannot be read as {encoding_name(encoding[:40])}.")
    upload.parsed_table = read_packed(upload.content, upload.filename, encoding)
    db.session.flush()


def in_chunks(items: list, size: int = IN_LIST_SIZE) -> Iterable[list]:
    """Yield `items` in slices small enough for one IN (...) list of an import's lookups."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
