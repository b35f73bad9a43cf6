"""Results day: the grades grid (a group against one qualification and kind, saved cell by cell)
and the grades import (an importer of the shell's import machine, app.imports: a CSV or XLSX file
checked whole, then applied whole or, when the user chooses, only its valid rows; on the web and
as `flask grades import`).

Pure logic lives in `grid.py` and `grades_import.py`; `services.py` reads and writes the
database (every grade through `tracking.services.record_grade`, so it is audited) and never
commits; the views (`routes.py`) and the command (`cli.py`) commit once.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the grid and import pages and the `flask grades` commands."""
    from app import areas
    from tracking.results.cli import grades_cli
    from tracking.results.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(grades_cli)
    areas.add_nav_item(
        app,
        areas.NavItem("results.grid_index", "Results day", areas.STUDENT_STAFF, order=60),
    )
