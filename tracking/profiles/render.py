"""The print variants of the profile and the login cards, rendered to HTML in the app (Jinja,
autoescaped) and then to PDF by tracking.profiles.pdf."""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app, render_template

from app.models import Group, Student
from tracking.profiles import pdf
from tracking.profiles.services import Profile

CARDS_PER_PAGE = 10  # 2 across, 5 down


def static_folders(app: Flask | None = None) -> pdf.StaticFolders:
    """Return the app's static files as the print pages reach them: each static route of the
    URL map (the shell's and every area's) with its folder. Read once per app: the URL map
    does not change after create_app."""
    app = app or current_app
    folders = app.extensions.get("print_static_folders")
    if folders is None:
        folders = {}
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
                blueprint = rule.endpoint.rpartition(".")[0]
                scaffold = app.blueprints[blueprint] if blueprint else app
                folders[rule.rule.partition("<")[0]] = scaffold.static_folder
        app.extensions["print_static_folders"] = folders
    return folders


def static_file(filename: str, endpoint: str = "profiles.static") -> str:
    """Return the URL a print page links a static file with, under pdf.PRINT_BASE."""
    adapter = current_app.url_map.bind(pdf.PRINT_HOST, script_name="/", url_scheme="https")
    return adapter.build(endpoint, {"filename": filename}, force_external=True)


def profile_html(profile: Profile, *, sensitive: bool, today: date | None = None) -> str:
    """Return the print page of a profile (sensitive flags only when `sensitive`)."""
    return render_template(
        "profiles/print.html",
        profile=profile,
        sensitive=sensitive,
        today=today or date.today(),
        static_file=static_file,
    )


def profile_pdf(profile: Profile, *, sensitive: bool, today: date | None = None) -> bytes:
    """Return a profile as PDF bytes."""
    return pdf.render_pdf(profile_html(profile, sensitive=sensitive, today=today), static_folders())


def card_students(group: Group, today: date | None = None) -> list[Student]:
    """Return the group's students who get a login card: not opted out, not left."""
    today = today or date.today()
    return [s for s in group.students if s.takes_surveys(today)]


def cards_pdf(group: Group, join_url: str, today: date | None = None) -> bytes:
    """Return the login cards of a group as PDF: name, group, join URL and personal code."""
    students = card_students(group, today)
    html = render_template(
        "profiles/cards.html",
        group=group,
        students=students,
        join_url=join_url,
        per_page=CARDS_PER_PAGE,
        today=today or date.today(),
        static_file=static_file,
    )
    return pdf.render_pdf(html, static_folders())
