from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/students/import")


@bp.get("/")
def upload():
    return "import"
