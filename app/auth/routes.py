"""Sign in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.forms import LoginForm
from app.auth.services import authenticate, end_all_sessions
from app.extensions import db, limiter
from app.web import see_other

bp = Blueprint("auth", __name__)


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()


def _failed(_response) -> bool:
    return bool(g.get("login_failed"))


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
# A whole staff room may share one address, so the per-address limit is generous;
# the per-account limit is what stops guessing one person's password.
@limiter.limit("60 per 10 minutes", methods=["POST"], deduct_when=_failed)
@limiter.limit("8 per 10 minutes", key_func=_account_key, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # a new session on every sign-in
            login_user(user)
            db.session.commit()
            return see_other(next_url)
        g.login_failed = True
        error = "That email and password do not match an active account."
    elif request.method == "POST":
        g.login_failed = True
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/logout")
@login_required
def logout():
    end_all_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    return see_other(url_for("auth.login"))
