"""The application shell: `create_app` builds the Flask app with its extensions and areas."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as app_config


def create_app(config: dict | None = None) -> Flask:
    """Create the app from the environment, then `config` on top (tests pass theirs here)."""
    app = Flask(
        __name__, instance_relative_config=True, instance_path=os.environ.get("INSTANCE_PATH")
    )
    app.config.update(app_config.from_environment(app.instance_path))
    if config:
        app.config.update(config)
    app_config.check_safe_for_production(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = app_config.instance_secret_key(app.instance_path)
    if os.environ.get("TRUST_PROXY") == "1":
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    from app import auth, cli, errors, security, tasks
    from app.extensions import csrf, db, htmx, login_manager, migrate
    from app.web import StoredId

    app.url_map.converters["int"] = StoredId  # before any route is added

    db.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.join(app.root_path, "..", "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    auth.init_login(login_manager)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    tasks.init_app(app)

    from app.admin.routes import bp as admin_bp
    from app.auth.routes import bp as auth_bp
    from app.groups.routes import bp as groups_bp
    from app.imports.routes import bp as imports_bp
    from app.main import bp as main_bp
    from app.students.routes import bp as students_bp

    for blueprint in (auth_bp, main_bp, students_bp, groups_bp, imports_bp, admin_bp):
        app.register_blueprint(blueprint)
    _add_shell_nav(app)

    # The one place the shell names the areas; they add to it through app.areas.
    import surveys
    import tracking

    for area in (surveys, tracking):
        area.init_app(app)

    from app.templating import init_app as init_templating

    init_templating(app)
    return app


def _add_shell_nav(app: Flask) -> None:
    """The shell's own navigation; the areas add theirs between Groups and Import."""
    from app import areas
    from app.models import Role

    for endpoint, label, roles, order in (
        ("students.index", "Students", areas.STUDENT_STAFF, 10),
        ("groups.index", "Groups", areas.STUDENT_STAFF, 20),
        ("imports.upload", "Import", frozenset({Role.LEAD}), 200),
        ("admin.users", "Staff", frozenset({Role.ADMIN, Role.LEAD}), 210),
        ("admin.schools", "Schools", frozenset({Role.ADMIN, Role.EVALUATOR}), 220),
        ("admin.audit", "Audit log", frozenset({Role.ADMIN}), 230),
    ):
        areas.add_nav_item(app, areas.NavItem(endpoint, label, roles, order))
