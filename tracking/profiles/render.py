"""The print variants of the profile and the login cards, rendered to HTML in the app (Jinja,
autoescaped) and then to PDF by tracking.profiles.pdf."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template

from app.models import Group, Student
from tracking.profiles import pdf
from tracking.profiles.services import Profile

CARDS_PER_PAGE = 10  # 2 across, 5 down


def _static_file(filename: str) -> str:
    return pdf.static_url(filename, _static_root())


def _static_root():
    from pathlib import Path

    return Path(current_app.static_folder)


def profile_html(profile: Profile, *, sensitive: bool, today: date | None = None) -> str:
    """Return the print page of a profile (sensitive flags only when `sensitive`)."""
    return render_template(
        "profiles/print.html",
        profile=profile,
        sensitive=sensitive,
        today=today or date.today(),
        static_file=_static_file,
    )


def profile_pdf(profile: Profile, *, sensitive: bool, today: date | None = None) -> bytes:
    """Return a profile as PDF bytes."""
    return pdf.render_pdf(profile_html(profile, sensitive=sensitive, today=today), _static_root())


def card_students(group: Group, today: date | None = None) -> list[Student]:
    """Return the group's students who get a login card: not opted out, not left."""
    today = today or date.today()
    return [
        s
        for s in group.students
        if not s.survey_opt_out and (s.left_on is None or s.left_on > today)
    ]


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
        static_file=_static_file,
    )
    return pdf.render_pdf(html, _static_root())
