"""The home page sends each role where its work is."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from app.models import Role

bp = Blueprint("main", __name__)


@bp.get("/healthz")
def healthz():
    """For load balancers and benchmarks: answers without touching the database."""
    return "ok", 200, {"Content-Type": "text/plain"}


@bp.get("/")
@login_required
def home():
    if current_user.sees_students:
        return redirect(url_for("students.index"))
    if current_user.role == Role.EVALUATOR:
        return redirect(url_for("admin.schools"))
    return redirect(url_for("auth.login"))
