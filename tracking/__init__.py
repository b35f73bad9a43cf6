"""Progression tracking: grades, choices, destinations, support received, outcomes."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this area's pages, commands, student-page sections and demo data."""
    from app import areas
    from tracking import demo, queries
    from tracking.cli import outcomes_command
    from tracking.routes import bp

    app.register_blueprint(bp)
    app.cli.add_command(outcomes_command)
    areas.add_student_section(
        app,
        areas.StudentSection(
            template="tracking/_student_section.html", load=queries.progression_summary, order=50
        ),
    )
    areas.add_demo_data(app, areas.DemoData(seed=demo.seed, order=50))
