"""The WeasyPrint side: a fetcher that serves only static files, safe file names."""

import pytest

from tracking.profiles import pdf
from tracking.profiles.pdf import FetchRefused, resolve_static, safe_filename


def test_static_files_are_served():
    url = pdf.static_url("profiles/print.css")
    assert url.startswith("file:///") and resolve_static(url).name == "print.css"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/logo.png",
        "https://example.org/font.woff2",
        "ftp://example.org/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        "file://otherhost" + str(pdf.STATIC_ROOT / "profiles/print.css"),
        pdf.STATIC_ROOT.as_uri() + "/../templates/base.html",
        pdf.STATIC_ROOT.as_uri() + "/profiles/missing.css",
    ],
)
def test_everything_else_is_refused(url):
    with pytest.raises(FetchRefused):
        resolve_static(url)


def test_a_page_that_links_outside_still_renders_without_fetching(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("WeasyPrint tried the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    html = (
        '<html lang="en-GB"><head><title>t</title>'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head>'
        '<body><img src="https://example.org/x.png" alt="x"><p>Hello</p></body></html>'
    )
    data = pdf.render_pdf(html)
    assert data.startswith(b"%PDF-")


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
