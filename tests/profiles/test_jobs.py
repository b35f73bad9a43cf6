"""Bulk exports: the web process queues a job, a worker makes one PDF per student, the
zip downloads; chunks are safe to run again, lost ones are resumed, old exports purged.

The queue is drained here, in the test process (a real consumer process is in
tests/test_tasks_consumer.py)."""

import io
import zipfile
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app import tasks
from app.extensions import db
from app.models import AuditEvent, Role, utcnow
from tests.factories import make_group, make_school, make_student, make_user
from tests.profiles.conftest import give_history, pdf_reader, pdf_text
from tracking.models import GradeRecord
from tracking.profiles import jobs, pdf, services
from tracking.profiles.models import ProfileJob, ProfileJobItem

HTMX = {"HX-Request": "true"}


@pytest.fixture
def group_setting(app):
    """(school, lead, group): a group of three, two of whom share a name."""
    school = make_school(name="Riverside School")
    lead = make_user(Role.LEAD, school)
    students = [
        make_student(school, first_name="Zoë", last_name="Brontë", is_target=True),
        make_student(school, first_name="Sam", last_name="Smith"),
        make_student(school, first_name="Sam", last_name="Smith", is_target=True),
    ]
    give_history(students[0], lead)
    group = make_group(school, name="10Y1", students=students)
    db.session.commit()
    return school, lead, group


def _job() -> ProfileJob:
    db.session.expire_all()
    return db.session.scalars(select(ProfileJob)).one()


def _items() -> list[ProfileJobItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(ProfileJobItem).order_by(ProfileJobItem.position)))


def _progress(job: ProfileJob) -> jobs.Progress:
    return jobs.progress_of([job.id])[job.id]


def _zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def _queued_job(group_setting) -> ProfileJob:
    school, lead, group = group_setting
    job = jobs.create_job(lead, school, list(group.students), sensitive=False, group=group)
    db.session.commit()
    return job


def test_a_group_export_makes_a_zip_of_one_pdf_per_student(
    client, auth, group_setting, monkeypatch
):
    school, lead, group = group_setting
    rendered_by_the_web = []
    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: rendered_by_the_web.append(a))
    auth.login(lead)
    response = client.post(f"/groups/{group.id}/profiles", data={"sensitive": "1"})
    assert response.status_code == 303
    job = _job()
    assert response.headers["Location"].endswith(f"/profiles/jobs/{job.id}")
    page = client.get(f"/profiles/jobs/{job.id}").get_data(as_text=True)
    assert '<progress id="job-bar" max="3" value="0">' in page and "0 of 3" in page
    assert "waiting to start" in page and 'hx-trigger="every 1s"' in page
    # The web process only queued the work: one task for a chunk of three.
    assert rendered_by_the_web == [] and tasks.queue().huey.pending_count() == 1
    monkeypatch.undo()

    assert tasks.queue().drain() == 1

    page = client.get(f"/profiles/jobs/{job.id}").get_data(as_text=True)
    assert "3 of 3" in page and "· done" in page and 'hx-trigger="every 1s"' not in page
    download = client.get(f"/profiles/jobs/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"] == 'attachment; filename="profiles-10Y1.zip"'
    files = _zip(download.data)
    assert list(files) == ["Bronte-Zoe.pdf", "Smith-Sam.pdf", "Smith-Sam-2.pdf"]
    for name, data in files.items():
        assert 1 <= len(pdf_reader(data).pages) <= 2, name
    assert "Zoë Brontë" in pdf_text(files["Bronte-Zoe.pdf"])
    assert "Pupil Premium" in pdf_text(files["Smith-Sam.pdf"])  # sensitive was ticked
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "profile.export")
    ).one()
    assert event.actor_id == lead.id and event.after["sensitive"] is True
    assert len(event.after["students"]) == 3


def test_the_progress_fragment_is_swapped_by_htmx(client, auth, group_setting):
    _, lead, group = group_setting
    auth.login(lead)
    client.post(f"/groups/{group.id}/profiles")
    job = _job()
    fragment = client.get(f"/profiles/jobs/{job.id}", headers=HTMX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="job-progress"') and "<html" not in fragment
    assert "0 of 3" in fragment


def test_the_page_and_the_list_show_progress_counted_from_the_items(client, auth, group_setting):
    _, lead, group = group_setting
    auth.login(lead)
    client.post(f"/groups/{group.id}/profiles")
    job = _job()
    assert "0 of 3 · queued" in client.get("/profiles").get_data(as_text=True)
    first = _items()[0]
    jobs.make_items(job.id, [first.id])  # a worker has made one so far
    page = client.get(f"/profiles/jobs/{job.id}").get_data(as_text=True)
    assert '<progress id="job-bar" max="3" value="1">' in page and "· working" in page
    assert client.get(f"/profiles/jobs/{job.id}/download").status_code == 409
    assert "1 of 3 · running" in client.get("/profiles").get_data(as_text=True)
    tasks.queue().drain()
    assert "3 of 3 · done" in client.get("/profiles").get_data(as_text=True)


def test_one_failing_student_is_reported_and_the_rest_are_made(client, auth, group_setting):
    _, lead, group = group_setting
    broken = group.students[1]
    # A grade off its scale (as a bad import might have left it) cannot be charted.
    db.session.add(
        GradeRecord(
            student_id=broken.id,
            qualification="gcse_maths",
            kind="mock",
            grade="Z",
            tier="higher",
            recorded_on=date(2025, 1, 1),
        )
    )
    db.session.commit()
    auth.login(lead)
    client.post(f"/groups/{group.id}/profiles")
    tasks.queue().drain()
    job = _job()
    assert _progress(job) == jobs.Progress(total=3, made=2, failed=1)
    [(name, error)] = jobs.failures(job)
    assert name == broken.full_name and "GradeError" in error
    page = client.get(f"/profiles/jobs/{job.id}").get_data(as_text=True)
    assert "Profiles that could not be made" in page and "Download the zip (2 PDFs)" in page
    files = _zip(client.get(f"/profiles/jobs/{job.id}/download").data)
    assert len(files) == 2


def test_a_chunk_run_again_skips_what_is_done_and_makes_nothing_twice(app, group_setting):
    job = _queued_job(group_setting)
    items = _items()
    # A worker made the first PDF, then died with the rest of the chunk in hand.
    items[0].pdf, items[0].finished_at = b"%PDF-made-before", utcnow()
    db.session.commit()
    ids = [i.id for i in items]
    assert jobs.render_chunk(job.id, ids) == 2
    items = _items()
    assert items[0].pdf == b"%PDF-made-before"  # not made again
    assert all(i.pdf.startswith(b"%PDF-") for i in items)
    assert jobs.render_chunk(job.id, ids) == 0  # a doubled task finds nothing to do
    assert _progress(job) == jobs.Progress(total=3, made=3, failed=0)


def test_a_failing_chunk_is_retried_then_its_students_are_reported(app, group_setting, monkeypatch):
    job = _queued_job(group_setting)
    jobs.start(job)

    def database_gone(*args, **kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(services, "load_profiles", database_gone)
    huey = tasks.queue().huey
    assert tasks.queue().drain() == 1
    assert huey.scheduled_count() == 1  # to be tried again, after a delay
    assert _progress(job).processed == 0
    # The last try fails too: the students are reported, so the export still finishes.
    with pytest.raises(ConnectionError):
        jobs.render_chunk(job.id, [i.id for i in _items()], task=SimpleNamespace(retries=0))
    assert _progress(job) == jobs.Progress(total=3, made=0, failed=3)
    assert all("the database went away" in error for _, error in jobs.failures(job))


def test_a_stalled_export_whose_tasks_were_lost_is_resumed(app, group_setting):
    job = _queued_job(group_setting)  # ...and its task was lost: never reached the queue
    stalled_after = jobs.stalled_after()
    assert jobs.resume_stalled() == 0  # just queued: not stalled yet
    later = utcnow() + stalled_after + timedelta(seconds=5)
    assert jobs.resume_stalled(now=later) == 3
    assert tasks.queue().huey.pending_count() == 1
    # Its students are on the queue now: a second sweep leaves them be.
    assert jobs.resume_stalled(now=later + stalled_after * 2) == 0
    tasks.queue().drain()
    assert _progress(job).finished
    assert jobs.resume_stalled(now=later + stalled_after * 4) == 0  # nothing left to do


def test_an_export_making_progress_is_not_resumed(app, group_setting):
    job = _queued_job(group_setting)
    first = _items()[0]
    jobs.make_items(job.id, [first.id])
    stalled_after = jobs.stalled_after()
    _job().queued_at = utcnow() - stalled_after * 3
    db.session.commit()
    # Queued long ago, but a student was made just now: its worker is alive.
    assert jobs.resume_stalled() == 0
    assert jobs.resume_stalled(now=utcnow() + stalled_after * 2) == 2


def test_the_resume_task_runs_through_the_queue(app, group_setting):
    job = _queued_job(group_setting)
    _job().queued_at = utcnow() - timedelta(days=1)
    db.session.commit()
    jobs.resume_stalled_exports.enqueue()
    assert tasks.queue().drain() == 2  # the sweep, then the chunk it put back
    assert _progress(job).finished


def test_exports_expire_after_a_day_or_an_hour_with_sensitive_flags(client, auth, group_setting):
    school, lead, group = group_setting

    def made(hours_ago: float, sensitive: bool) -> ProfileJob:
        job = jobs.create_job(lead, school, list(group.students), sensitive=sensitive, group=group)
        db.session.commit()
        jobs.run_in_process(job)
        job.created_at = utcnow() - timedelta(hours=hours_ago)
        db.session.commit()
        return job

    day_old, sensitive_2h, plain_2h, fresh = (
        made(25, False), made(2, True), made(2, False), made(0.2, True)
    )  # fmt: skip
    jobs.purge_expired_exports.enqueue()
    assert tasks.queue().drain() == 1
    db.session.expire_all()
    expired = {j.id for j in db.session.scalars(select(ProfileJob)) if j.expired_at}
    assert expired == {day_old.id, sensitive_2h.id}
    assert {i.job_id for i in _items()} == {plain_2h.id, fresh.id}  # the PDFs are gone
    auth.login(lead)
    response = client.get(f"/profiles/jobs/{sensitive_2h.id}/download")
    assert response.status_code == 410
    assert "kept for 24 hours, or 1 hour" in response.get_data(as_text=True)
    assert "has expired" in client.get(f"/profiles/jobs/{day_old.id}").get_data(as_text=True)
    assert client.get(f"/profiles/jobs/{plain_2h.id}/download").status_code == 200
    assert "expired" in client.get("/profiles").get_data(as_text=True)
    # Nothing is resumed or purged twice.
    jobs.resume_stalled_exports.enqueue()
    jobs.purge_expired_exports.enqueue()
    tasks.queue().drain()
    assert {i.job_id for i in _items()} == {plain_2h.id, fresh.id}


def test_targets_export_takes_the_schools_target_students(client, auth, group_setting):
    school, lead, _ = group_setting
    make_student(school, last_name="Gone", is_target=True, left_on=date(2024, 7, 20))
    db.session.commit()
    auth.login(lead)
    assert "Export target students" in client.get("/profiles").get_data(as_text=True)
    response = client.post("/profiles/targets", data={})
    assert response.status_code == 303
    tasks.queue().drain()
    job = _job()
    assert job.kind == "targets" and _progress(job).total == 2
    files = _zip(client.get(f"/profiles/jobs/{job.id}/download").data)
    assert list(files) == ["Bronte-Zoe.pdf", "Smith-Sam.pdf"]


def test_another_schools_job_is_404(client, auth, group_setting):
    job = _queued_job(group_setting)
    auth.login(make_user(Role.LEAD, make_school()))
    assert client.get(f"/profiles/jobs/{job.id}").status_code == 404
    assert client.get(f"/profiles/jobs/{job.id}/download").status_code == 404
    other = make_group(make_school())
    db.session.commit()
    assert client.post(f"/groups/{other.id}/profiles").status_code == 404


def test_an_unfinished_job_has_no_download_yet(client, auth, group_setting):
    _, lead, group = group_setting
    auth.login(lead)
    client.post(f"/groups/{group.id}/profiles")
    assert client.get(f"/profiles/jobs/{_job().id}/download").status_code == 409


def test_group_page_offers_the_export_and_the_login_cards(client, auth, group_setting):
    _, lead, group = group_setting
    auth.login(lead)
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Export profiles (zip)" in page and f'action="/groups/{group.id}/profiles"' in page
    assert f'action="/groups/{group.id}/cards.pdf">' in page and "Print login cards" in page


def test_cli_zip_of_a_group_and_of_target_students(runner, group_setting, tmp_path):
    school, _, group = group_setting
    out = tmp_path / "group.zip"
    result = runner.invoke(
        args=["profiles", "zip", "--school", school.urn, "--group", "10Y1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 3 profiles" in result.output
    assert len(_zip(out.read_bytes())) == 3
    result = runner.invoke(args=["profiles", "zip", "--school", school.urn, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert list(_zip(out.read_bytes())) == ["Bronte-Zoe.pdf", "Smith-Sam.pdf"]
    # Made here and now, without a consumer: nothing was left on the queue.
    assert tasks.queue().huey.pending_count() == 0


def test_cli_zip_reports_the_students_that_failed(runner, group_setting, tmp_path):
    school, _, group = group_setting
    db.session.add(
        GradeRecord(
            student_id=group.students[0].id,
            qualification="gcse_maths",
            kind="mock",
            grade="Z",
            tier="higher",
            recorded_on=date(2025, 1, 1),
        )
    )
    db.session.commit()
    out = tmp_path / "group.zip"
    result = runner.invoke(
        args=["profiles", "zip", "--school", school.urn, "--group", "10Y1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 2 profiles" in result.output
    assert f"Failed: {group.students[0].full_name}: GradeError" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--school", "999999"], "No school has URN 999999"),
        (["--group", "No such group"], "has no group called 'No such group'"),
    ],
)
def test_cli_zip_refuses_unknown_schools_and_groups(runner, group_setting, tmp_path, args, message):
    school, _, _ = group_setting
    if "--school" not in args:
        args = ["--school", school.urn, *args]
    result = runner.invoke(args=["profiles", "zip", *args, "-o", str(tmp_path / "x.zip")])
    assert result.exit_code == 1 and message in result.output
