"""Rendering HTML to PDF with WeasyPrint, fetching nothing but the app's own static files.

Kept free of Flask and the database: the caller renders the HTML and passes the app's static
folders (tracking.profiles.render.static_folders)."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

PRINT_HOST = "print.invalid"  # a reserved name (RFC 2606): it never resolves
PRINT_BASE = f"https://{PRINT_HOST}/"
# The charts' one stylesheet (app/charts.py), found among the app's static files like any
# file a print page links, so this module needs no path into the shell.
CHART_CSS = PRINT_BASE + "static/css/chart.css"

# The app's static files as URL path prefix -> folder ("/static/": app/static,
# "/profiles/static/": this area's own, ...), read off the app's URL map by the caller.
StaticFolders = dict[str, str]


class FetchRefused(ValueError):
    """Raised for any URL outside the app's static files (WeasyPrint then skips it)."""


def _make_fetcher(folders: StaticFolders):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serve the app's static files under PRINT_BASE and refuse everything else: no
        network, no file: URL, no data: URL smuggled in."""

        def fetch(self, url, headers=None):
            path = resolve_static(url, folders)
            mime = {
                ".css": "text/css",
                ".svg": "image/svg+xml",
                ".png": "image/png",
                ".woff2": "font/woff2",
                ".ttf": "font/ttf",
                ".otf": "font/otf",
            }.get(path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return StaticOnlyFetcher(allowed_protocols={"https"})


def resolve_static(url: str, folders: StaticFolders) -> Path:
    """Return the file a URL names if it is one of the app's static files under PRINT_BASE;
    raise FetchRefused otherwise (another host or scheme, data:, or a climb out with `..`)."""
    from werkzeug.security import safe_join

    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != PRINT_HOST or parts.query:
        raise FetchRefused(f"Refused to fetch {url!r}: only the app's static files")
    path = unquote(parts.path)
    prefixes = [p for p in folders if path.startswith(p)]
    if prefixes:
        prefix = max(prefixes, key=len)
        found = safe_join(folders[prefix], path[len(prefix) :])
        if found is not None and os.path.isfile(found):
            return Path(found)
    raise FetchRefused(f"Refused to fetch {url!r}: not a static file of the app")


def render_pdf(html: str, folders: StaticFolders) -> bytes:
    """Render an HTML page to a tagged PDF (title and language from the page); relative
    links resolve against PRINT_BASE and only `folders` are served."""
    from weasyprint import HTML

    chart_css = resolve_static(CHART_CSS, folders).read_text(encoding="utf-8")
    document = HTML(
        string=style_inline_svg(html, chart_css),
        base_url=PRINT_BASE,
        url_fetcher=_make_fetcher(folders),
    )
    return document.write_pdf(pdf_tags=True)


_SVG_OPEN = re.compile(r"(<svg\b[^>]*>)")


def style_inline_svg(html: str, css: str) -> str:
    """Copy the chart rules `css` into each inline <svg>: WeasyPrint styles an inline SVG only
    with its own <style>, not the page's stylesheets. Data is escaped before this runs, so
    every `<svg` here is the charts' own markup."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return _SVG_OPEN.sub(lambda m: f"{m.group(1)}<style>{css}</style>", html)


# Latin letters that NFKD does not split into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Þ": "Th",
        "þ": "th",
        "ı": "i",
    }
)


def safe_filename(name: str, taken: set[str], suffix: str = ".pdf") -> str:
    """Return a file name made from a person's name: ASCII-folded, no path separators or
    dots to climb with, at most 80 characters, unique within `taken` (which it adds to)."""
    folded = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSABLE))
    folded = folded.encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")[:80] or "student"
    candidate, n = stem + suffix, 2
    while candidate.lower() in taken:
        candidate = f"{stem}-{n}{suffix}"
        n += 1
    taken.add(candidate.lower())
    return candidate
