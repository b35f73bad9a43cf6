"""Sign in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app import throttle
from app.auth.forms import LoginForm
from app.auth.services import (
    DEVICE_COOKIE,
    DEVICE_DAYS,
    authenticate,
    device_cookie,
    end_all_sessions,
    known_device,
    sign_in_limits,
    wait_message,
)
from app.extensions import db
from app.permissions import permission_required
from app.web import see_other

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site, or home. Anything with a control
    character (a header smuggled in with CR LF, say), a backslash or another host is ignored."""
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        return url_for("main.home")
    if target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        # Charged before the password is checked, so parallel tries cannot slip past the
        # limit; a success gives its attempt back. Never a sleep: the worker is not held.
        device = known_device(request.cookies.get(DEVICE_COOKIE), form.email.data)
        attempt = throttle.claim(*sign_in_limits(form.email.data, request.remote_addr, device))
        if not attempt.allowed:
            page = render_template("auth/login.html", form=form, error=wait_message(attempt.wait))
            return page, 429, {"Retry-After": str(attempt.wait)}
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # a new session on every sign-in
            login_user(user)
            db.session.commit()
            throttle.refund(attempt)
            response = see_other(next_url)
            if device is None:
                response.set_cookie(
                    DEVICE_COOKIE,
                    device_cookie(user.email),
                    max_age=DEVICE_DAYS * 86400,
                    secure=current_app.session_interface.get_cookie_secure(current_app),
                    httponly=True,
                    samesite="Lax",
                )
            return response
        error = "That email and password do not match an active account."
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/logout")
@permission_required("account.use")
def logout():
    end_all_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    return see_other(url_for("auth.login"))
