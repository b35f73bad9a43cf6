"""The home page sends each role where its work is."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from app.models import Role
from app.permissions import permission_required

bp = Blueprint("main", __name__)


@bp.get("/healthz")
def healthz():
    """For load balancers and benchmarks: answers without touching the database."""
    return "ok", 200, {"Content-Type": "text/plain"}


@bp.get("/")
@permission_required("account.use")
def home():
    if current_user.sees_students:
        return redirect(url_for("students.index"))
    if current_user.role == Role.EVALUATOR:
        return redirect(url_for("admin.schools"))
    return redirect(url_for("auth.login"))
