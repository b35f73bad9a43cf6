"""Configuration read from the environment, with safe development defaults."""

import os
from pathlib import Path

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105 (refused in production)


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
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": app_env == "production",
        "SESSION_COOKIE_NAME": "tracker_session",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "ROSTER_PAGE_SIZE": 50,
    }


def check_safe_for_production(config: dict) -> None:
    """Raise ConfigError if production would run with the default or a short secret key."""
    if config.get("APP_ENV") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEV_SECRET_KEY or len(secret) < 32:
        raise ConfigError(
            "APP_ENV=production needs SECRET_KEY set to a random value of 32 characters or more"
        )
