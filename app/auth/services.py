"""Account checks used by sign-in and sign-out."""

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
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
# A browser that signed in to an account is known to it for this long (a signed cookie): its
# wrong passwords are counted apart, so an attacker elsewhere cannot slow the owner down.
DEVICE_COOKIE = "known_device"
DEVICE_DAYS = 90


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-device")


def _account_digest(account: str) -> str:
    return hashlib.sha256(account.encode()).hexdigest()[:32]


def device_cookie(email: str) -> str:
    """The value of the known-device cookie given to a browser that signed in to this account:
    signed, naming the account by a hash and the browser by a random token."""
    account = (email or "").strip().lower()
    return _device_serializer().dumps({"a": _account_digest(account), "d": secrets.token_hex(8)})


def known_device(cookie: str | None, email: str) -> str | None:
    """The token of the browser that sent `cookie` if it signed in to this account before
    (within DEVICE_DAYS); None for any other cookie, forged, expired or of another account."""
    if not cookie:
        return None
    try:
        data = _device_serializer().loads(cookie, max_age=DEVICE_DAYS * 86400)
    except BadData:
        return None
    account = (email or "").strip().lower()
    if not isinstance(data, dict) or data.get("a") != _account_digest(account):
        return None
    device = data.get("d")
    return device if isinstance(device, str) else None


def sign_in_limits(
    email: str, address: str | None, device: str | None = None
) -> tuple[throttle.Limit, ...]:
    """The attempt limits a sign-in with this email from this address is charged to. From a
    known device (`known_device`) the account's wrong passwords are counted for that device
    alone, so failures elsewhere (someone guessing) never slow its owner down."""
    account = (email or "").strip().lower()
    account_key = (
        throttle.key("sign-in-device", account, device)
        if device
        else throttle.key("sign-in-account", account)
    )
    return (
        throttle.Limit(account_key, ACCOUNT_FREE, FORGET_AFTER, growing=True),
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
