"""Class surveys: instruments, sessions, taking a survey, responses and scoring."""

from flask import Flask


def _student_scores(student) -> dict:
    from surveys.services import scores_for_student

    return {"survey_scores": scores_for_student(student.id)}


def init_app(app: Flask) -> None:
    """Register this area's pages, commands, student-page section and demo data."""
    from app import areas
    from surveys import demo, student_routes
    from surveys.cli import surveys_cli
    from surveys.routes import bp

    assert student_routes.bp is bp  # the student pages are on the same blueprint
    app.register_blueprint(bp)
    app.cli.add_command(surveys_cli)
    areas.add_nav_item(app, areas.NavItem("surveys.index", "Surveys", areas.STUDENT_STAFF, 30))
    areas.add_group_action(app, areas.PageAction("surveys/_group_action.html", order=20))
    areas.add_student_section(
        app,
        areas.StudentSection(
            template="surveys/_student_scores.html", load=_student_scores, order=60
        ),
    )
    areas.add_demo_data(
        app, areas.DemoData(seed=demo.seed_surveys, logins=demo.logins_lines, order=40)
    )
