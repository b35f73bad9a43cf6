"""Extension points through which the areas (surveys, tracking) add sections to the shell's
pages and data to the demo, so that the shell never imports them: each area's `init_app`
registers what it adds, and `create_app` is the one place that calls it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask, current_app


@dataclass(frozen=True)
class StudentSection:
    """A section of the student page: `template` is rendered with `section` set to
    `load(student)`, a dict loaded in a fixed number of queries."""

    template: str
    load: Callable[[Any], dict]
    order: int = 100


@dataclass(frozen=True)
class DemoData:
    """Demo data an area adds after the shell's: `seed(today)` flushes, never commits;
    `logins()` returns extra lines for the printed demo logins."""

    seed: Callable[[date], None]
    logins: Callable[[], list[str]] = lambda: []
    order: int = 100


def _registry(app: Flask) -> dict:
    return app.extensions.setdefault("areas", {"student_sections": [], "demo": []})


def add_student_section(app: Flask, section: StudentSection) -> None:
    """Add a section to the student page."""
    _registry(app)["student_sections"].append(section)


def add_demo_data(app: Flask, demo: DemoData) -> None:
    """Add demo data seeded by `flask demo`."""
    _registry(app)["demo"].append(demo)


def student_sections(student) -> list[tuple[str, dict]]:
    """Return (template, context) of each registered section for `student`, in order."""
    sections = sorted(_registry(current_app)["student_sections"], key=lambda s: s.order)
    return [(s.template, s.load(student)) for s in sections]


def demo_data() -> list[DemoData]:
    """Return the registered demo data, in order."""
    return sorted(_registry(current_app)["demo"], key=lambda d: d.order)
