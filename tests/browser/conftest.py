"""Browser tests: Playwright drives Debian's Chromium against the app on 127.0.0.1.

Outside CI they skip, with the reason, when Chromium or Playwright is missing; in CI
(CI=true) that is a failure, since the browser tests must run there.
"""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    problem = None
    if sync_playwright is None:
        problem = "Playwright is not installed"
    elif path is None:
        problem = "Chromium is not installed (apt-get install chromium)"
    if problem:
        if IN_CI:
            pytest.fail(f"{problem}: browser tests must run in CI")
        pytest.skip(problem)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """Serve `app` on a free port of 127.0.0.1 in a thread for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _new_page(browser, javascript: bool, **options):
    context = browser.new_context(java_script_enabled=javascript, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    return context, page


@pytest.fixture
def page(browser):
    context, page = _new_page(browser, javascript=True)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context, page = _new_page(browser, javascript=False)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context, page = _new_page(
        browser, javascript=True, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    yield page
    context.close()
