"""`flask schools add` and `flask users add`: the same services as the web, with no actor."""

import secrets

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.admin import services
from app.extensions import db
from app.models import Role, School


def _refusal(error: Exception) -> click.ClickException:
    """Undo anything the failed command put in the session and explain why (exit status 1)."""
    db.session.rollback()
    return click.ClickException(str(error))


@click.command("add")
@click.argument("urn")
@click.argument("name")
@with_appcontext
def add_school(urn: str, name: str) -> None:
    """Add a school with its 6-digit URN and its NAME."""
    try:
        school = services.create_school(None, urn=urn, name=name)
    except services.AdminError as error:
        raise _refusal(error) from error
    db.session.commit()
    click.echo(f"Added school {school.name} (URN {school.urn})")


@click.command("add")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option(
    "--school", "school_urn", metavar="URN", help="The school's URN; needed for lead and teacher."
)
@click.option("--password", help="Without it a strong password is generated and printed once.")
@click.option("--name", default="", help="The person's name.")
@with_appcontext
def add_user(
    email: str, role: str, school_urn: str | None, password: str | None, name: str
) -> None:
    """Add a staff account with EMAIL."""
    school_id = None
    if school_urn is not None:
        school_id = db.session.scalar(select(School.id).where(School.urn == school_urn.strip()))
        if school_id is None:
            raise click.ClickException(f"There is no school with URN {school_urn}.")
    generated = password is None
    if generated:
        password = secrets.token_urlsafe(18)
    try:
        user = services.create_user(
            None, email=email, name=name, role=role, school_id=school_id, password=password
        )
    except services.AdminError as error:
        raise _refusal(error) from error
    db.session.commit()
    where = f" at {user.school.name}" if user.school else ""
    click.echo(f"Added {user.role_enum.label} account {user.email}{where}")
    if generated:
        click.echo(f"Password (shown only this once): {password}")


def register(schools_cli, users_cli) -> None:
    schools_cli.add_command(add_school)
    users_cli.add_command(add_user)
