"""Post-16 routes: the rules of outcome 3 about a student's post-16 records (`rules`, pure)
and the post-16 import (an importer of the shell's import machine, app.imports: a CSV or
XLSX file of UPN, Route, Status, Institution and Date, checked whole, then applied whole or,
when the user chooses, only its valid rows; on the web and as `flask post16 import`).

`post16_import` checks a file (pure); `services` reads and writes the database (every record
through `tracking.services.add_record`, so it is audited) and never commits; the views
(`routes`) and the command (`cli`) commit once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the post-16 import pages and the `flask post16` commands."""
    from tracking.post16.cli import post16_cli
    from tracking.post16.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(post16_cli)
