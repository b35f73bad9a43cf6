import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import GroupMember
from tests.factories import make_school


def test_sqlite_runs_with_foreign_keys_wal_and_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings; this run is on " + db.engine.dialect.name)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_the_database_refuses_rows_that_point_nowhere(app):
    make_school()
    db.session.add(GroupMember(group_id=987654, student_id=123456))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
