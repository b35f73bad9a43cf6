"""Account checks used by sign-in and sign-out."""

from sqlalchemy import func, select

from app import throttle
from app.extensions import db
from app.models import User, utcnow
from app.passwords import verify_password

# Wrong passwords are slowed, never locked out (a lock-out is a weapon against the person
# locked out): after ACCOUNT_FREE of them for one account, from anywhere, each further try of
# that account waits 1, 2, 4 ... 60 seconds; the same after ADDRESS_FREE from one address over
# all accounts (spraying one password over many). A whole staff room may share an address,
# hence the larger allowance. Counts are forgotten FORGET_AFTER seconds after the last try.
ACCOUNT_FREE = 5
ADDRESS_FREE = 30
FORGET_AFTER = 15 * 60


def sign_in_limits(email: str, address: str | None) -> tuple[throttle.Limit, ...]:
    """The attempt limits a sign-in with this email from this address is charged to."""
    account = (email or "").strip().lower()
    return (
        throttle.Limit(
            throttle.key("sign-in-account", account), ACCOUNT_FREE, FORGET_AFTER, growing=True
        ),
        throttle.Limit(
            throttle.key("sign-in-address", address or ""),
            ADDRESS_FREE,
            FORGET_AFTER,
            growing=True,
        ),
    )


def wait_message(seconds: int) -> str:
    """What someone who must wait before trying again is told."""
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong passwords. Wait {seconds} {unit} before trying again."


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
