"""EduFlow 智慧教务系统: the application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from eduflow import converters
from eduflow.config import Config, load_environment, load_keys
from eduflow.extensions import babel, csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides everything (tests pass their database and keys here)."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=os.environ.get("EDUFLOW_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
    )
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    load_environment(app)
    load_keys(app)

    _init_extensions(app)
    converters.init_app(app)  # before the blueprints add their <int:...> rules
    _register_blueprints(app)

    from eduflow import audit, errors, navigation, notifications, security_headers, templating, transactions
    from eduflow.cli import register_cli

    audit.init_app(app)
    errors.init_app(app)
    security_headers.init_app(app)
    templating.init_app(app)
    transactions.init_app(app)
    navigation.init_app(app)
    notifications.init_app(app)
    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from eduflow.i18n import select_locale, select_timezone
    from eduflow.security.crypto import KeyRing

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    app.extensions["eduflow_keyring"] = KeyRing.from_config(app.config)

    from eduflow import auth  # noqa: F401 - registers the user loader

    login_manager.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from eduflow.admin import bp as admin_bp
    from eduflow.auth import bp as auth_bp
    from eduflow.dashboard import bp as dashboard_bp
    from eduflow.attendance import bp as attendance_bp
    from eduflow.enrollments import bp as enrollments_bp
    from eduflow.exports import bp as exports_bp
    from eduflow.imports import bp as imports_bp
    from eduflow.leads import bp as leads_bp
    from eduflow.notifications.views_staff import bp as messages_bp
    from eduflow.parents import bp as parents_bp
    from eduflow.reports import bp as reports_bp
    from eduflow.schedule import bp as schedule_bp
    from eduflow.students import bp as students_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(leads_bp, url_prefix="/leads")
    app.register_blueprint(students_bp, url_prefix="/students")
    app.register_blueprint(schedule_bp)
    app.register_blueprint(enrollments_bp, url_prefix="/enrollments")
    app.register_blueprint(attendance_bp)
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(exports_bp, url_prefix="/exports")
    app.register_blueprint(imports_bp, url_prefix="/imports")
    app.register_blueprint(parents_bp)
    app.register_blueprint(messages_bp)
