"""A lead exports a group's profiles: the progress bar advances, the zip downloads."""

import io
import threading
import time
import zipfile

import pytest
from playwright.sync_api import expect

from app import tasks
from app.extensions import db
from app.models import Role
from tests.browser.helpers import sign_in
from tests.factories import make_group, make_school, make_student, make_user
from tracking.profiles import pdf

pytestmark = pytest.mark.browser

STUDENTS = 8


@pytest.fixture
def slow_group(app, monkeypatch):
    """A group of eight; each PDF takes a little longer than usual, so that a poll every
    second sees the export part done. A thread drains the task queue as a consumer would
    (the consumer process itself is tested in tests/test_tasks_consumer.py)."""
    render_pdf = pdf.render_pdf

    def slow_render_pdf(*args, **kwargs):
        time.sleep(0.4)
        return render_pdf(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", slow_render_pdf)
    school = make_school("Northfield Academy")
    lead = make_user(Role.LEAD, school)
    students = [
        make_student(school, first_name=f"Pupil{i}", last_name="Łukasz") for i in range(STUDENTS)
    ]
    group = make_group(school, name="11X1", students=students)
    db.session.commit()
    stop = threading.Event()

    def consume() -> None:
        while not stop.wait(0.2):
            tasks.queue(app).drain()

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    yield lead, group
    stop.set()
    consumer.join(timeout=30)


def test_export_a_group_watch_the_progress_and_download_the_zip(page, live_server, slow_group):
    lead, group = slow_group
    sign_in(page, live_server, lead)
    page.goto(f"{live_server}/groups/{group.id}")
    page.get_by_role("button", name="Export profiles (zip)").click()
    expect(page.get_by_role("heading", name="Profiles: 11X1")).to_be_visible()
    bar = page.locator("#job-bar")
    expect(bar).to_have_attribute("max", str(STUDENTS))
    # htmx swaps in the new count every second: see it part-way, then finished.
    page.wait_for_function(
        "() => { const b = document.querySelector('#job-bar');"
        " return b && b.value > 0 && b.value < b.max; }",
        timeout=20_000,
    )
    expect(page.locator(".job-count")).to_contain_text(f"of {STUDENTS} · working")
    link = page.get_by_role("link", name="Download the zip")
    expect(link).to_be_visible(timeout=30_000)
    expect(bar).to_have_attribute("value", str(STUDENTS))
    expect(page.locator(".job-count")).to_contain_text(f"{STUDENTS} of {STUDENTS}")
    # The job survives a reload: the page comes back finished.
    page.reload()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the zip").click()
    download = download_info.value
    assert download.suggested_filename == "profiles-11X1.zip"
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        names = archive.namelist()
        assert len(names) == STUDENTS
        assert all(archive.read(n).startswith(b"%PDF-") for n in names)
    assert page.console_errors == []
