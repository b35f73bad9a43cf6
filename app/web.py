"""The htmx glue in one place: fragment-or-page rendering, response headers, redirects;
and reading what a person typed in a query string or form (numbers, search text)."""

import unicodedata

from flask import Response, redirect, render_template, request
from jinja2_fragments.flask import render_block, render_blocks
from werkzeug.routing import IntegerConverter

from app.extensions import db

MAX_ID = 2**31 - 1  # the largest id either database stores
MAX_PAGE = 100_000


def number_arg(text: str | None, maximum: int = MAX_ID) -> int | None:
    """A whole number typed in a query string or form (an id, a page), or None for anything
    else: a sign, a decimal point, digits of another script, or a number past `maximum`
    (which the database could not even compare)."""
    text = (text or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= len(str(maximum)):
        value = int(text)
        return value if value <= maximum else None
    return None


class StoredId(IntegerConverter):
    """`<int:...>` in every route: a number past what the database stores matches no route
    (a 404), instead of reaching the database."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def text_arg(text: str | None, max_length: int = 100) -> str:
    """Text typed in a search box or a query string: control characters (NUL among them,
    which PostgreSQL refuses) dropped, spaces trimmed, at most `max_length` characters."""
    kept = "".join(ch for ch in (text or "") if unicodedata.category(ch) != "Cc")
    return kept.strip()[:max_length]


def paginate(stmt, per_page: int):
    """One page of `stmt`, its number read safely from `?page=` (anything odd is page 1, a
    page past the end is empty)."""
    page = number_arg(request.args.get("page"), MAX_PAGE) or 1
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def wants_fragment() -> bool:
    """True for an htmx request that should get a fragment; a history restore gets the page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render(template: str, block: str | None = None, **context) -> str:
    """Render `block` of `template` for htmx requests, the whole page otherwise."""
    if block and wants_fragment():
        return render_block(template, block, **context)
    return render_template(template, **context)


def render_fragments(template: str, blocks: list[str], **context) -> str:
    """Render several blocks of `template` in one htmx response (the later ones out of band)."""
    return render_blocks(template, blocks, **context)


def see_other(location: str) -> Response:
    """Redirect after a POST with 303, or tell htmx to navigate there."""
    if wants_fragment():
        response = Response(status=204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)
