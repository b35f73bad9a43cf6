from flask import Blueprint

bp = Blueprint("admin", __name__)


@bp.get("/users")
def users():
    return "users"


@bp.get("/schools")
def schools():
    return "schools"


@bp.get("/audit")
def audit():
    return "audit"
