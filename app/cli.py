"""Command-line entry points: `flask demo` and the `schools`, `users`, `students` groups."""

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

schools_cli = AppGroup("schools", help="Manage schools.")
users_cli = AppGroup("users", help="Manage staff accounts.")
students_cli = AppGroup("students", help="Import students and print their survey codes.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the database has no schools.")
def demo_command(if_empty: bool) -> None:
    """Seed demo schools, accounts and students, then print the demo logins."""
    from app import demo

    if if_empty and not demo.database_is_empty():
        click.echo("The database already has data; not seeding demo data.")
    else:
        demo.seed()
        db.session.commit()
        click.echo("Demo data created.")
    click.echo(demo.logins_text())


def init_app(app: Flask) -> None:
    from app.admin import cli as admin_cli
    from app.imports import cli as import_commands
    from app.students import cli as student_commands

    admin_cli.register(schools_cli, users_cli)
    student_commands.register(students_cli)
    import_commands.register(students_cli)
    for command in (demo_command, schools_cli, users_cli, students_cli):
        app.cli.add_command(command)
