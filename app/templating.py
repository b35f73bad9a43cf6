"""Template globals and filters shared by every area."""

from datetime import date, datetime

from flask import Flask, request, url_for
from flask_login import current_user

from app import academic, areas, permissions
from app.models import Role


def _nav() -> list[tuple[str, str, bool]]:
    """Return (url, label, is_current) for the navigation; the current entry is the one
    whose address is the longest start of the page's path."""
    if not current_user.is_authenticated:
        return []
    links = [(url_for(item.endpoint), item.label) for item in areas.nav_items(current_user.role)]
    matches = [url for url, _ in links if request.path.startswith(url.rstrip("/") or "/")]
    current = max(matches, key=len, default=None)
    return [(url, label, url == current) for url, label in links]


def uk_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def yes_no(value: bool | None) -> str:
    if value is None:
        return "Not recorded"
    return "Yes" if value else "No"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        nav=_nav, Role=Role, page_actions=areas.page_actions, can=permissions.can_current
    )
    app.jinja_env.filters.update(uk_date=uk_date, yes_no=yes_no, academic_year=academic.label)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
