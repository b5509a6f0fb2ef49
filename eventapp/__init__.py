"""eventapp: a conference manager for bilingual policy conferences."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import security
from .config import load_config
from .extensions import babel, cache, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: enforce foreign keys; WAL lets readers and one writer work at once."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    instance = Path(app.instance_path)
    if config and config.get("INSTANCE_PATH"):
        instance = Path(config["INSTANCE_PATH"])
    overrides = dict(config or {})
    app.config.update(load_config(instance, overrides))
    overrides.pop("SQLALCHEMY_DATABASE_URI", None)  # load_config normalised it
    app.config.update(overrides)

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if app.config["PAGE_MICROCACHE_SECONDS"] > 0:
        from .microcache import MicroCache

        app.wsgi_app = MicroCache(app.wsgi_app, app.config["PAGE_MICROCACHE_SECONDS"])  # type: ignore[method-assign]

    from .logging_setup import init_app as init_logging

    init_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    security.init_app(app)  # CSP and the other security headers, sub-theme stylesheet

    from .errors import register_error_pages

    register_error_pages(app)
    register_cli(app)

    if app.config["CHECK_DATABASE_ON_START"]:
        from .database import check_database

        check_database(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (all tables on the metadata)
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    from .i18n import _l

    login_manager.login_message = _l("Please sign in to open this page.")

    from .accounts.models import User

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user and user.is_active else None


def register_blueprints(app: Flask) -> None:
    from .accounts import bp as accounts_bp
    from .agenda import bp as agenda_bp
    from .archive import bp as archive_bp
    from .api import bp as api_bp
    from .audit import bp as audit_bp
    from .conferences import bp as conferences_bp
    from .health import bp as health_bp
    from .insights import bp as insights_bp
    from .invitations import bp as invitations_bp
    from .mail import bp as mail_bp
    from .people import bp as people_bp
    from .portal import bp as portal_bp
    from .registration import bp as registration_bp

    for blueprint in (conferences_bp, agenda_bp, people_bp, accounts_bp, audit_bp, api_bp,
                      invitations_bp, registration_bp, mail_bp, portal_bp, insights_bp, health_bp, archive_bp):
        app.register_blueprint(blueprint)


def register_template_helpers(app: Flask) -> None:
    from . import i18n, richtext

    def combine(*dicts: dict) -> dict:
        merged: dict = {}
        for item in dicts:
            merged.update(item)
        return merged

    app.jinja_env.filters["combine"] = combine
    app.jinja_env.filters["markdown"] = richtext.render_markdown  # bios, abstracts: safe Markdown
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
    app.jinja_env.globals.update(
        current_language=i18n.current_language,
        language_names=i18n.LANGUAGE_NAMES,
        format_time_range=i18n.format_time_range,
        format_day=i18n.format_day,
        format_datetime_local=i18n.format_datetime_local,
        format_instant_range=i18n.format_instant_range,
        format_date_range=i18n.format_date_range,
        zone_label=i18n.zone_label,
    )


def register_cli(app: Flask) -> None:
    from .accounts.cli import users_cli
    from .archive.cli import archive_cli
    from .conferences.cli import conferences_cli
    from .demo import demo_command
    from .invitations.cli import invitations_cli
    from .mail.cli import mail_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(conferences_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(invitations_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(archive_cli)
