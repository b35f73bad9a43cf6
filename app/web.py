"""The htmx glue in one place: fragment-or-page rendering, response headers, redirects."""

from flask import Response, redirect, render_template, request
from jinja2_fragments.flask import render_block, render_blocks


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
