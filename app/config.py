"""Configuration read from the environment, with safe development defaults."""

import os
import secrets
from pathlib import Path

from sqlalchemy import make_url

from app.suppression import SUPPRESS_BELOW

KEY_FILE_NAME = "secret_key"


class ConfigError(RuntimeError):
    """Raised when the app would start with a configuration that is unsafe."""


def database_url(raw: str | None, instance_path: str) -> str:
    """Return a SQLAlchemy URL: `DATABASE_URL` with the psycopg driver, or the SQLite default."""
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "tracker.sqlite")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def from_environment(instance_path: str, environ: dict | None = None) -> dict:
    """Build the config mapping from environment variables."""
    env = os.environ if environ is None else environ
    app_env = env.get("APP_ENV", "development")
    return {
        "APP_ENV": app_env,
        # Set by create_app from the instance folder when the environment gives none
        # (instance_secret_key); production must set it.
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": app_env == "production",
        "SESSION_COOKIE_NAME": "tracker_session",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "ROSTER_PAGE_SIZE": 50,
        # The task queue (app.tasks): Redis when REDIS_URL is set, else a SQLite file at
        # TASK_QUEUE_PATH, by default one derived from the database (task_queue_path).
        # Attempt limits (app.throttle) live in the same Redis, else in the database.
        "REDIS_URL": env.get("REDIS_URL") or None,
        "TASK_QUEUE_PATH": env.get("TASK_QUEUE_PATH") or None,
        # The academic year the programme began in (2024 = 2024/25): cohorts whose Year 11
        # ended before it are "before the programme" (tracking.baseline.before_programme).
        "PROGRAMME_START_YEAR": programme_start_year(env.get("PROGRAMME_START_YEAR")),
        # Counts from 1 to SUPPRESS_BELOW - 1 are hidden in what evaluators see and in shareable
        # outputs (app.suppression, docs/suppression.md).
        "SUPPRESS_BELOW": suppress_below(env.get("SUPPRESS_BELOW")),
    }


def programme_start_year(raw: str | None) -> int:
    """Return PROGRAMME_START_YEAR as a year (2024 when not set); ConfigError otherwise."""
    if not raw or not raw.strip():
        return 2024
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not 2000 <= int(text) <= 2100:
        raise ConfigError(f"PROGRAMME_START_YEAR must be a year such as 2024, not {raw!r}")
    return int(text)


def suppress_below(raw: str | None) -> int:
    """Return SUPPRESS_BELOW as a whole number of 1 or more (5 when not set); ConfigError
    otherwise. 1 hides nothing; the usual threshold is 5."""
    if not raw or not raw.strip():
        return SUPPRESS_BELOW
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ConfigError(
            f"SUPPRESS_BELOW must be a whole number of 1 or more, such as 5, not {raw!r}"
        )
    return int(text)


def task_queue_path(database_uri: str, instance_path: str) -> str:
    """Return where the SQLite task queue of a database lives when TASK_QUEUE_PATH is not
    set: `tasks.sqlite` in the instance folder for the default database, beside the file
    for any other SQLite database, and a file named after any other database in the
    instance folder. Two databases never share a queue, so a task never meets rows that
    are not its own (the test suite's database and the development one, say)."""
    url = make_url(database_uri)
    default = database_url(None, instance_path)
    if database_uri == default:
        return str(Path(instance_path) / "tasks.sqlite")
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        return str(path.with_name(f"{path.stem}-tasks.sqlite"))
    return str(Path(instance_path) / f"tasks-{queue_name(database_uri)}.sqlite")


def queue_name(database_uri: str) -> str:
    """Return the task queue's name for a database (its Redis keys are named after it): the
    database's own name, so two databases on one Redis do not share a queue, while every
    process of one deployment agrees on it whatever host name it reaches the database by."""
    stem = Path(make_url(database_uri).database or "memory").stem or "memory"
    return f"tracker-{stem}"


def instance_secret_key(instance_path: str) -> str:
    """Return this installation's own signing key, made at random the first time and kept in
    the instance folder (readable by its owner only), so that no key written anywhere in the
    code can sign a session, and sessions survive a restart. Two processes starting at once
    agree: the file is put in place with a link, which fails if it is already there."""
    path = Path(instance_path) / KEY_FILE_NAME
    if not path.exists():
        draft = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    return path.read_text().strip()


def check_safe_for_production(config: dict) -> None:
    """Raise ConfigError if production would run without a secret key of its own."""
    if config.get("APP_ENV") != "production":
        return
    if len(config.get("SECRET_KEY") or "") < 32:
        raise ConfigError(
            "APP_ENV=production needs SECRET_KEY set to a random value of 32 characters or more"
        )
