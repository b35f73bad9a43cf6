"""Fixtures: an app on a fresh database per test, on SQLite or on PostgreSQL.

Set TEST_DATABASE_URL to a PostgreSQL URL to run the whole suite there; the default is a
SQLite file in a temporary folder. The schema is built once per run by the migrations
(so every run also proves `flask db upgrade` from empty) and emptied after every test.
"""

import os
import secrets
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, make_url, text

from app import create_app, throttle
from app.config import database_url
from app.extensions import db
from tests import factories

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Argon2id with its cheapest parameters: tests sign in hundreds of times, and the
    production cost (deliberately slow) would add minutes without testing anything more."""
    from argon2 import PasswordHasher

    from app import passwords

    mp = pytest.MonkeyPatch()
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    mp.setattr(passwords, "_hasher", cheap)
    mp.setattr(passwords, "_DUMMY_HASH", cheap.hash("not-a-real-password"))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory):
    raw = os.environ.get("TEST_DATABASE_URL")
    if not raw:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
        return
    # A database of its own for this run, so that two runs at once cannot disturb each other.
    base = make_url(database_url(raw, ""))
    name = f"{base.database}_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class RequestClient(FlaskClient):
    """A test client whose every request runs in a fresh app context, as in production:
    its own `g`, its own database session. The test's rows must be committed first."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(uri: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": uri,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = RequestClient
    return app


@pytest.fixture(scope="session")
def _schema(database_uri):
    app = make_app(database_uri)
    with app.app_context():
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            else:
                db.metadata.drop_all(conn)
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        db.engine.dispose()
    return database_uri


def empty_database() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def app(_schema, tmp_path_factory):
    # A task queue of its own per test (a SQLite file, drained in-process by the tests that
    # queue work: app.tasks.queue().drain()), so no task outlives the test that queued it.
    queue_path = tmp_path_factory.mktemp("queue") / "tasks.sqlite"
    app = make_app(_schema, TASK_QUEUE_PATH=str(queue_path))
    with app.app_context():
        throttle.clear_all()  # attempt counts never carry over from another test
        yield app
        db.session.remove()
        empty_database()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = factories.PASSWORD):
        db.session.commit()
        response = self.client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code in (302, 303), "login failed"
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def count_queries(app):
    """Use as `with count_queries() as queries: ...`; `len(queries)` is the statements run."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def before(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter
