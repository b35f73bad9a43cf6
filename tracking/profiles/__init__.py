"""PDF student profiles (one, or a zip for a group made by the task queue) and login cards.

The profile on screen and in the PDF come from one template (profiles/_profile.html);
WeasyPrint renders the print variant with a URL fetcher that serves only the app's static
files."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the profile pages, the `flask profiles` commands, the job tables and the
    export tasks."""
    from app import areas
    from tracking.profiles import jobs, models  # noqa: F401 (export tasks; tables)
    from tracking.profiles.cli import profiles_cli
    from tracking.profiles.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(profiles_cli)
    areas.add_nav_item(
        app, areas.NavItem("profiles.exports", "Profiles", areas.STUDENT_STAFF, order=70)
    )
    areas.add_student_action(app, areas.PageAction("profiles/_student_actions.html"))
    areas.add_group_action(app, areas.PageAction("profiles/_group_actions.html", order=10))
