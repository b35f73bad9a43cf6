"""The WeasyPrint side: a fetcher that serves only static files, safe file names."""

from pathlib import Path

import pytest

from tracking.profiles import pdf
from tracking.profiles.pdf import FetchRefused, resolve_static, safe_filename

FOLDERS = {"/profiles/static/": str(Path(pdf.__file__).parent / "static")}
BASE = pdf.PRINT_BASE + "profiles/static/"


def test_static_files_are_served_through_the_apps_static_routes(app):
    from tracking.profiles.render import static_file, static_folders

    with app.test_request_context():
        url = static_file("print.css")
        assert url == BASE + "print.css"
        assert resolve_static(url, static_folders()).name == "print.css"
        # The shell's own static files are reached the same way.
        shell = static_file("css/app.css", endpoint="static")
        assert resolve_static(shell, static_folders()).name == "app.css"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/logo.png",
        "https://example.org/font.woff2",
        "http://print.invalid/profiles/static/print.css",
        "ftp://example.org/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        Path(pdf.__file__).with_name("static").joinpath("print.css").as_uri(),
        BASE + "../../../templates/base.html",
        BASE + "%2e%2e/pdf.py",
        BASE + "missing.css",
        BASE + "print.css?x=1",
    ],
)
def test_everything_else_is_refused(url):
    with pytest.raises(FetchRefused):
        resolve_static(url, FOLDERS)


@pytest.fixture
def local_server():
    """An HTTP server on 127.0.0.1 that counts the requests it receives."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()
    server.server_close()


def test_a_profile_that_links_to_a_server_makes_no_request(app, local_server):
    """A name typed as markup is escaped, but even a page that does link out (a stylesheet,
    an image, an @import) makes no request: WeasyPrint's default fetcher would make three."""
    from app.extensions import db
    from tests.factories import make_school, make_student
    from tracking.profiles import render, services

    address, received = local_server
    html = (
        '<html lang="en-GB"><head><title>t</title>'
        f'<link rel="stylesheet" href="{address}/x.css">'
        f"<style>@import url({address}/imported.css);</style></head>"
        f'<body><img src="{address}/x.png" alt="x"><p>Hello</p></body></html>'
    )
    with app.test_request_context():
        assert pdf.render_pdf(html, render.static_folders()).startswith(b"%PDF-")
        student = make_student(
            make_school(), first_name=f'<link rel="stylesheet" href="{address}/name.css">'
        )
        db.session.commit()
        (profile,) = services.load_profiles([student.id])
        assert render.profile_pdf(profile, sensitive=False).startswith(b"%PDF-")
    assert received == []


def test_safe_filenames_are_ascii_without_separators_and_unique():
    taken: set[str] = set()
    names = [
        safe_filename("Łukasz Zoë", taken),
        safe_filename("../../etc/passwd", taken),
        safe_filename("李 小龍", taken),
        safe_filename("李 小龍", taken),
        safe_filename("Lukasz Zoe", taken),
    ]
    assert names == [
        "Lukasz-Zoe.pdf",
        "etc-passwd.pdf",
        "student.pdf",
        "student-2.pdf",
        "Lukasz-Zoe-2.pdf",
    ]
    assert all("/" not in n and "\\" not in n and n.isascii() for n in names)


def test_inline_svg_gets_the_chart_rules():
    html = '<p>&lt;svg&gt;</p><svg class="score-chart" viewBox="0 0 1 1"><line></line></svg>'
    styled = pdf.style_inline_svg(html, ".line { stroke: red }")
    assert styled.count("<style>") == 1
    assert (
        '<svg class="score-chart" viewBox="0 0 1 1"><style>.line { stroke: red }</style>' in styled
    )
