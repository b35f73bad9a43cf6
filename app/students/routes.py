from flask import Blueprint

bp = Blueprint("students", __name__, url_prefix="/students")


@bp.get("/")
def index():
    return "students"
