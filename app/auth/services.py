"""Account checks used by sign-in and sign-out."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import User, utcnow
from app.passwords import verify_password


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password, or None."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every login cookie of `user` (signed cookies cannot be revoked one by one)."""
    user.session_version = (user.session_version or 1) + 1
