"""Staff sign-in: Flask-Login wiring. Students never get a staff session."""

from flask import Response, redirect, request, url_for
from flask_login import LoginManager

from app.extensions import db
from app.models import User
from app.web import wants_fragment


def load_user(token: str) -> User | None:
    """Load the user from the cookie token `<id>.<session_version>`; stale tokens load nobody."""
    user_id, _, version = token.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def unauthorized() -> Response:
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if wants_fragment():
        # Never put a login page inside a fragment: send the whole window there.
        response = Response(status=401)
        response.headers["HX-Redirect"] = login_url
        return response
    return redirect(login_url)


def init_login(manager: LoginManager) -> None:
    manager.user_loader(load_user)
    manager.unauthorized_handler(unauthorized)
    manager.session_protection = "basic"
