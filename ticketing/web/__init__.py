"""The Flask application factory: one blueprint per audience, every page a thin call into the services."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import Babel, get_locale

from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.datadir import secret_key
from ticketing.deploy.resources import STATIC, TEMPLATES, TRANSLATIONS
from ticketing.deploy.settings import Settings
from ticketing.read import health
from ticketing.services import Ticketing
from ticketing.web import (
    admin,
    api_v1,
    auth,
    community,
    errors,
    headers,
    inputs,
    open311,
    ops,
    ratelimit,
    resident,
    staff,
    supervisor,
    volunteer,
    webapp,
)
from ticketing.web.context import Clock, wall_clock
from ticketing.web.extensions import csrf, limiter
from ticketing.web.history_text import history_line
from ticketing.web.i18n import select_locale
from ticketing.web.labels import TEMPLATE_GLOBALS
from ticketing.web.nav import landing, nav_links
from ticketing.web.timeleft import time_left
from ticketing.web.times import local_date, local_time
from ticketing.web.volunteer_labels import TEMPLATE_GLOBALS as VOLUNTEER_GLOBALS


def create_app(
    settings: Settings | None = None,
    ticketing: Ticketing | None = None,
    clock: Clock = wall_clock,
    testing: bool = False,
) -> Flask:
    """Build the app over ``settings`` (default: from the environment).

    Raises ``ticketing.deploy.datadir.UnsafeSecretKey`` when the secret key is too short to sign sessions.
    """
    settings = settings or Settings.from_env()
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
        instance_path=str(settings.data_dir.resolve()),
    )
    app.config.update(
        SECRET_KEY=secret_key(settings),
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
    Babel(app, locale_selector=select_locale)
    csrf.init_app(app)
    ratelimit.setup(app, settings)
    limiter.init_app(app)
    headers.register(app, settings)
    auth.login_manager.init_app(app)
    errors.register(app)
    inputs.register(app)  # before the blueprints: their rules use its converters
    blueprints = (
        auth.bp,
        resident.bp,
        volunteer.bp,
        staff.bp,
        community.bp,
        supervisor.bp,
        admin.bp,
        ops.bp,
        open311.bp,
        api_v1.bp,
        webapp.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(local_date, "local_date")
    app.jinja_env.globals.update(TEMPLATE_GLOBALS, **VOLUNTEER_GLOBALS, history_line=history_line)
    app.jinja_env.globals["time_left"] = time_left
    app.context_processor(lambda: {"nav_links": nav_links, "landing": landing, "current_locale": str(get_locale())})
    _register_status_pages(app)
    return app


def _register_status_pages(app: Flask) -> None:
    @app.get("/")
    def home() -> str:
        return render_template("home.html")

    @app.get("/status")
    def status() -> str:
        service: Ticketing = app.extensions["ticketing"]
        health.ping(service)
        return render_template(
            "status.html",
            schema_current=health.schema_current(service),
            workflows=service.worlds.catalogue.workflows.values(),
            counts=service.state_counts(),
        )
