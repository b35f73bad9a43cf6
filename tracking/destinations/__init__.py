"""Destinations after Year 13 and outcome 5 (a maths degree): HECoS subjects and their CAH
groups shipped as data (`hecos`, tracking/data), the maths-related list admins edit
(`models`, `related`), the outcome's pure rules (`degree`), and the destinations import
(`import_rows`: pure checks; `importer`: `DESTINATIONS`, on the web and as
`flask destinations import`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the subject search, maths-related list and import pages, and the
    `flask destinations` commands."""
    from app import areas
    from app.models import Role
    from tracking.destinations import models  # noqa: F401 (the maths-related table)
    from tracking.destinations.cli import destinations_cli
    from tracking.destinations.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(destinations_cli)
    areas.add_nav_item(
        app,
        areas.NavItem(
            "destinations.import_upload",
            "Destinations import",
            frozenset({Role.LEAD, Role.TEACHER}),  # an import is for one's own school
            order=65,
        ),
    )
    areas.add_nav_item(
        app,
        areas.NavItem(
            "destinations.maths_related",
            "Maths-related subjects",
            frozenset({Role.ADMIN}),
            order=95,
        ),
    )
