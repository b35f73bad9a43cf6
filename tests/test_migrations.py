"""`flask db upgrade` builds any database from empty, and the models match the migrations."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import make_app


def test_models_match_the_migrations(app):
    # The test database was built by running every migration (see conftest._schema).
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], "a model changed without a migration: run `flask db migrate`"


def test_upgrade_downgrade_upgrade_from_empty(tmp_path):
    app = make_app("sqlite:///" + str(tmp_path / "fresh.sqlite"))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"schools", "users", "students", "groups", "audit_events"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "students" in inspect(db.engine).get_table_names()
        db.engine.dispose()
