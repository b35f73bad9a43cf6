"""`flask surveys open|close|export`: run a class session from the command line."""

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.models import Group, School
from surveys import exports, services

surveys_cli = AppGroup("surveys", help="Open, close and export survey sessions.")


def _session_or_fail(code: str):
    survey = services.session_by_code(code)
    if survey is None:
        raise click.ClickException(f"No survey session has the class code {code}")
    return survey


@surveys_cli.command("open")
@click.argument("instrument_key", metavar="INSTRUMENT")
@click.option("--school", "urn", required=True, help="The school's URN.")
@click.option("--group", "group_name", required=True, help="The group's name, e.g. 9X1.")
@click.option(
    "--wave",
    default=None,
    help="The wave: a term and a year, e.g. 'Autumn 2026' or 'Spring 2027' (default: this term).",
)
def open_command(instrument_key: str, urn: str, group_name: str, wave: str | None) -> None:
    """Open a session of INSTRUMENT for a group and print its class code."""
    instruments = services.current_instruments()
    if instrument_key not in instruments:
        known = ", ".join(sorted(instruments))
        raise click.ClickException(f"No instrument '{instrument_key}' (known: {known})")
    school = db.session.scalar(select(School).where(School.urn == urn.strip()))
    if school is None:
        raise click.ClickException(f"No school has URN {urn}")
    group = db.session.scalar(
        select(Group).where(Group.school_id == school.id, Group.name == group_name.strip())
    )
    if group is None:
        raise click.ClickException(f"{school.name} has no group called {group_name}")
    try:
        survey = services.open_session(None, group, instruments[instrument_key], wave)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(survey.class_code)


@surveys_cli.command("close")
@click.argument("code")
def close_command(code: str) -> None:
    """Close the session with class code CODE."""
    survey = _session_or_fail(code)
    if not services.close_session(None, survey):
        click.echo(f"Session {survey.class_code} was already closed.")
        return
    db.session.commit()
    click.echo(f"Closed session {survey.class_code}.")


@surveys_cli.command("export")
@click.argument("code")
@click.option("--wide", is_flag=True, help="One row per student with scale scores.")
def export_command(code: str, wide: bool) -> None:
    """Print the answers of session CODE as CSV (one row per answer, or --wide)."""
    results = services.session_results(_session_or_fail(code))
    body = exports.wide_csv(results) if wide else exports.long_csv(results)
    sys.stdout.write(body)
