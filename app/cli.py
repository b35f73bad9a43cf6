"""Command-line entry points: `flask demo`, `flask worker` and the `schools`, `users`,
`students` groups."""

import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

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


@click.command("worker")
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="Worker processes (each at lower priority than the web processes).",
)
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Enqueue the periodic tasks (purges, resuming stalled exports); with several "
    "consumers, one is enough.",
)
@with_appcontext
def worker_command(workers: int, periodic: bool) -> None:
    """Run the task queue's consumer until stopped: SIGTERM finishes the tasks in hand
    first; whatever is still queued waits for the next start."""
    from app import tasks

    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(processName)s %(name)s: %(message)s"
        )
        logging.getLogger("weasyprint").setLevel(logging.WARNING)  # a line per PDF step
        logging.getLogger("fontTools").setLevel(logging.WARNING)
    tasks.run_consumer(current_app._get_current_object(), workers=workers, periodic=periodic)


def init_app(app: Flask) -> None:
    from app.admin import cli as admin_cli
    from app.imports import cli as import_commands
    from app.students import cli as student_commands

    admin_cli.register(schools_cli, users_cli)
    student_commands.register(students_cli)
    import_commands.register(students_cli)
    for command in (demo_command, worker_command, schools_cli, users_cli, students_cli):
        app.cli.add_command(command)
    app.cli.add_command(student_commands.targets_cli)
