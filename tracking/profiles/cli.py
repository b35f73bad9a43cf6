"""`flask profiles`: a student's PDF profile, and a zip for a group or a school's target
students made here and now with a progress bar (no consumer needed: `flask worker` serves
the exports asked for on the web)."""

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
@with_appcontext
def zip_command(urn: str, group_name: str | None, output: str, sensitive: bool) -> None:
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
    waiting = jobs.progress_of([job.id])[job.id].total
    with click.progressbar(length=waiting, label="Profiles") as bar:
        jobs.run_in_process(job, progress=lambda: bar.update(1))
    Path(output).write_bytes(jobs.zip_bytes(job))
    progress = jobs.progress_of([job.id])[job.id]
    click.echo(f"Wrote {progress.made} profiles to {output}")
    for name, error in jobs.failures(job):
        click.echo(f"Failed: {name}: {error}", err=True)
