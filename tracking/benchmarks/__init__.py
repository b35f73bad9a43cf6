"""Benchmark figures: national (or other published) figures that admins keep, each with its
year, geography, population, definition and source, shown beside the outcome it compares
with and never used to work any figure out.

`models` holds the table (seeded by its migration with the figures the programme's published
materials state), `services` reads and writes it (audited, never committing: the views
commit) and gives the outcomes page `benchmarks_by_measure` and `benchmarks_for`; `forms`
checks what an admin types; `routes` are the list (admins and evaluators) and the add, edit
and delete pages (admins).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the benchmarks pages and their navigation item."""
    from app import areas
    from app.models import Role
    from tracking.benchmarks import models  # noqa: F401 (the benchmarks table)
    from tracking.benchmarks.routes import bp

    app.register_blueprint(bp)
    areas.add_nav_item(
        app,
        areas.NavItem(
            "benchmarks.index", "Benchmarks", frozenset({Role.ADMIN, Role.EVALUATOR}), order=90
        ),
    )
