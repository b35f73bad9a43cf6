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
    for label, endpoint, order in (
        ("Support", "tracking.interventions", 40),
        ("Needs attention", "tracking.attention", 50),
    ):
        areas.add_nav_item(app, areas.NavItem(endpoint, label, areas.STUDENT_STAFF, order))
    areas.add_student_section(
        app,
        areas.StudentSection(
            template="tracking/_student_section.html", load=queries.progression_summary, order=50
        ),
    )
    areas.add_demo_data(app, areas.DemoData(seed=demo.seed, order=50))
    # The sub-areas register themselves, as any area does.
    import tracking.benchmarks
    import tracking.destinations
    import tracking.post16
    import tracking.profiles
    import tracking.results

    tracking.results.init_app(app)
    tracking.profiles.init_app(app)
    tracking.destinations.init_app(app)
    tracking.post16.init_app(app)
    tracking.benchmarks.init_app(app)
