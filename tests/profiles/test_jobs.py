"""Bulk exports: a zip of one PDF per student, made by a worker, restartable, scoped."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Role, utcnow
from tests.factories import make_group, make_school, make_student, make_user
from tests.profiles.conftest import give_history, pdf_reader, pdf_text
from tracking.models import GradeRecord
from tracking.profiles import jobs
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


def _zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_group_export_makes_a_zip_of_one_pdf_per_student(client, auth, group_setting):
    school, lead, group = group_setting
    auth.login(lead)
    response = client.post(f"/groups/{group.id}/profiles", data={"sensitive": "1"})
    assert response.status_code == 303
    job = _job()
    assert response.headers["Location"].endswith(f"/profiles/jobs/{job.id}")
    assert (job.status, job.total, job.done_count, job.sensitive) == ("queued", 3, 0, True)
    page = client.get(f"/profiles/jobs/{job.id}").get_data(as_text=True)
    assert '<progress id="job-bar" max="3" value="0">' in page and "0 of 3" in page
    assert 'hx-trigger="every 1s"' in page

    assert jobs.work() == 1

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
    jobs.work()
    job = _job()
    assert job.status == "done" and job.done_count == 3
    assert [f["student"] for f in job.failures] == [broken.full_name]
    assert "GradeError" in job.failures[0]["error"]
    page = client.get(f"/profiles/jobs/{job.id}").get_data(as_text=True)
    assert "Profiles that could not be made" in page and "Download the zip (2 PDFs)" in page
    files = _zip(client.get(f"/profiles/jobs/{job.id}/download").data)
    assert len(files) == 2


def test_a_stale_running_job_is_restarted_and_finishes_what_is_left(app, group_setting):
    school, lead, group = group_setting
    job = jobs.create_job(lead, school, list(group.students), sensitive=False, group=group)
    db.session.commit()
    assert jobs.claim("worker-a") == job.id
    # Worker A made the first PDF and died.
    first = db.session.scalars(select(ProfileJobItem).order_by(ProfileJobItem.position)).first()
    first.pdf, first.finished_at = b"%PDF-made-by-a", utcnow()
    job.done_count = 1
    db.session.commit()
    assert jobs.claim("worker-b") is None  # A's heartbeat is fresh: nobody may take it
    job.heartbeat_at = utcnow() - timedelta(seconds=app.config["PROFILE_JOB_STALE_SECONDS"] + 5)
    db.session.commit()
    assert jobs.claim("worker-b") == job.id
    assert jobs.claim("worker-c") is None  # claimed exactly once
    jobs.run_job(job.id, "worker-b")
    job = _job()
    assert (job.status, job.done_count, job.attempts, job.worker) == ("done", 3, 2, "worker-b")
    items = db.session.scalars(select(ProfileJobItem).order_by(ProfileJobItem.position)).all()
    assert items[0].pdf == b"%PDF-made-by-a"  # not made again
    assert all(i.pdf.startswith(b"%PDF-") for i in items)


def test_the_progress_page_restarts_a_job_nobody_works_on(
    client, auth, group_setting, app, monkeypatch
):
    _, lead, group = group_setting
    started = []
    monkeypatch.setattr(jobs, "ensure_worker", lambda app: started.append(app))
    auth.login(lead)
    client.post(f"/groups/{group.id}/profiles")
    job = _job()
    client.get(f"/profiles/jobs/{job.id}")
    assert len(started) == 2  # on creation, and again when the page finds it queued
    jobs.claim("worker-a")
    client.get(f"/profiles/jobs/{job.id}")
    assert len(started) == 2  # running with a fresh heartbeat: left alone


def test_the_web_worker_thread_runs_a_queued_job(app, group_setting):
    school, lead, group = group_setting
    job = jobs.create_job(lead, school, list(group.students)[:1], sensitive=False, group=group)
    db.session.commit()
    app.config["PROFILE_WORKER_AUTOSTART"] = True
    jobs.ensure_worker(app)
    jobs._thread.join(timeout=60)
    assert _job().status == "done"
    assert job.id == _job().id


def test_targets_export_takes_the_schools_target_students(client, auth, group_setting):
    school, lead, _ = group_setting
    make_student(school, last_name="Gone", is_target=True, left_on=date(2024, 7, 20))
    db.session.commit()
    auth.login(lead)
    assert "Export target students" in client.get("/profiles").get_data(as_text=True)
    response = client.post("/profiles/targets", data={})
    assert response.status_code == 303
    jobs.work()
    job = _job()
    assert job.kind == "targets" and job.total == 2
    files = _zip(client.get(f"/profiles/jobs/{job.id}/download").data)
    assert list(files) == ["Bronte-Zoe.pdf", "Smith-Sam.pdf"]


def test_another_schools_job_is_404(client, auth, group_setting):
    school, lead, group = group_setting
    job = jobs.create_job(lead, school, list(group.students), sensitive=False, group=group)
    db.session.commit()
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


def test_cli_zip_renders_in_a_pool_of_two_processes(runner, group_setting, tmp_path):
    school, _, _ = group_setting
    out = tmp_path / "pool.zip"
    result = runner.invoke(
        args=[
            "profiles",
            "zip",
            "--school",
            school.urn,
            "--group",
            "10Y1",
            "--processes",
            "2",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    files = _zip(out.read_bytes())
    assert len(files) == 3 and all(len(pdf_reader(d).pages) >= 1 for d in files.values())


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


def test_cli_worker_runs_queued_jobs(runner, group_setting):
    school, lead, group = group_setting
    jobs.create_job(lead, school, list(group.students), sensitive=False, group=group)
    db.session.commit()
    result = runner.invoke(args=["profiles", "worker", "--once"])
    assert result.exit_code == 0 and "Ran 1 export" in result.output
    assert _job().status == "done"
