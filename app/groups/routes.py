from flask import Blueprint

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.get("/")
def index():
    return "groups"
