"""The Flask application factory: one blueprint per audience, every page a thin call into the services."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from flask import Flask, render_template
from flask_babel import Babel, format_datetime, get_locale
from sqlalchemy import text

from ticketing.bootstrap import create_ticketing
from ticketing.db.migrate import is_current
from ticketing.services import Ticketing
from ticketing.settings import REPO_ROOT, Settings
from ticketing.web import admin, api_v1, auth, errors, open311, ops, resident, staff, supervisor
from ticketing.web.context import Clock, wall_clock
from ticketing.web.extensions import csrf, limiter
from ticketing.web.i18n import TRANSLATIONS, compile_catalogues, select_locale
from ticketing.web.labels import TEMPLATE_GLOBALS
from ticketing.web.nav import nav_links


def create_app(
    settings: Settings | None = None,
    ticketing: Ticketing | None = None,
    clock: Clock = wall_clock,
    testing: bool = False,
) -> Flask:
    """Build the app over ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, template_folder=str(REPO_ROOT / "templates"))
    app.config.update(
        SECRET_KEY=settings.secret_key or _instance_secret(Path(app.instance_path)),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="zh_Hans",
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS),
        TESTING=testing,
    )
    app.extensions["ticketing"] = ticketing or create_ticketing(settings)
    app.extensions["ticketing_settings"] = settings
    app.extensions["ticketing_clock"] = clock
    compile_catalogues()
    Babel(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    auth.login_manager.init_app(app)
    errors.register(app)
    for blueprint in (auth.bp, resident.bp, staff.bp, supervisor.bp, admin.bp, ops.bp, open311.bp, api_v1.bp):
        app.register_blueprint(blueprint)
    app.add_template_filter(_local_time, "local_time")
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.context_processor(lambda: {"nav_links": nav_links, "current_locale": str(get_locale())})
    _register_status_pages(app)
    return app


def _local_time(moment: datetime | None, style: str = "short") -> str:
    """A time in the district's zone and the reader's language."""
    return format_datetime(moment, style) if moment else "—"


def _instance_secret(instance: Path) -> str:
    """A random secret kept in the instance folder, so sessions survive restarts without configuration."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _register_status_pages(app: Flask) -> None:
    @app.get("/")
    def home() -> str:
        return render_template("home.html")

    @app.get("/status")
    def status() -> str:
        service: Ticketing = app.extensions["ticketing"]
        with service.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return render_template(
            "status.html",
            schema_current=is_current(service.engine),
            workflows=service.worlds.catalogue.workflows.values(),
            counts=service.state_counts(),
        )
