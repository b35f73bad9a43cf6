"""`flask profiles`: a student's PDF profile, a zip for a group or a school's target
students (with a progress bar), and the worker that serves queued exports."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.extensions import db
from app.models import Group, School, Student
from tracking.profiles import jobs, render, services


@click.group("profiles")
def profiles_cli() -> None:
    """PDF student profiles and bulk exports."""


@profiles_cli.command("pdf")
@click.argument("upn")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
@click.option("--sensitive", is_flag=True, help="Include Pupil Premium, FSM, looked after, SEN.")
@with_appcontext
def pdf_command(upn: str, output: str, sensitive: bool) -> None:
    """Write the PDF profile of the student with this UPN to OUTPUT."""
    student = db.session.scalar(select(Student).where(Student.upn == upn.strip().upper()))
    if student is None:
        raise click.ClickException(f"No student has UPN {upn}")
    data = render.profile_pdf(services.load_profile(student), sensitive=sensitive)
    Path(output).write_bytes(data)
    services.record_export(None, [student], sensitive=sensitive, what="PDF profile")
    db.session.commit()
    click.echo(f"Wrote the profile of {student.full_name} to {output}")


@profiles_cli.command("zip")
@click.option("--school", "urn", required=True, help="The school's URN.")
@click.option("--group", "group_name", help="A group of that school (default: target students).")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
@click.option("--sensitive", is_flag=True, help="Include Pupil Premium, FSM, looked after, SEN.")
@click.option("--processes", type=click.IntRange(0, jobs.MAX_PROCESSES), default=None)
@with_appcontext
def zip_command(
    urn: str, group_name: str | None, output: str, sensitive: bool, processes: int | None
) -> None:
    """Write a zip of one PDF profile per student of a group, or of the school's target
    students, to OUTPUT."""
    school = db.session.scalar(select(School).where(School.urn == urn.strip()))
    if school is None:
        raise click.ClickException(f"No school has URN {urn}")
    group = None
    if group_name is not None:
        group = db.session.scalar(
            select(Group).where(Group.school_id == school.id, Group.name == group_name.strip())
        )
        if group is None:
            raise click.ClickException(f"{school.name} has no group called {group_name!r}")
        students = list(group.students)
    else:
        students = list(
            db.session.scalars(
                select(Student)
                .where(
                    Student.school_id == school.id,
                    Student.is_target.is_(True),
                    Student.on_roll(),
                )
                .order_by(Student.last_name, Student.first_name, Student.id)
            )
        )
    try:
        job = jobs.create_job(None, school, students, sensitive=sensitive, group=group)
    except jobs.JobError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    name = jobs.worker_name()
    if jobs.claim(name, job.id) is None:  # pragma: no cover (a worker took it first)
        raise click.ClickException(f"Export {job.id} was taken by another worker")
    with click.progressbar(length=job.total, label="Profiles") as bar:
        job = jobs.run_job(
            job.id, name, progress=lambda done, total: bar.update(1), processes=processes
        )
    if job.status != "done":
        raise click.ClickException(f"The export failed: {job.error}")
    Path(output).write_bytes(jobs.zip_bytes(job))
    made = job.total - len(job.failures or [])
    click.echo(f"Wrote {made} profiles to {output}")
    for failure in job.failures or []:
        click.echo(f"Failed: {failure['student']}: {failure['error']}", err=True)


@profiles_cli.command("worker")
@click.option("--once", is_flag=True, help="Run at most one job, then stop.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Run queued (or stalled) profile exports until none is left."""
    ran = jobs.work(once=once)
    click.echo(f"Ran {ran} export{'s' if ran != 1 else ''}")
