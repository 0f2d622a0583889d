"""The Flask application factory (the staff and resident UI lands here)."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template
from sqlalchemy import text

from ticketing.bootstrap import create_ticketing
from ticketing.db.migrate import is_current
from ticketing.services import Ticketing
from ticketing.settings import REPO_ROOT, Settings


def create_app(settings: Settings | None = None, ticketing: Ticketing | None = None) -> Flask:
    """Build the app over ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, template_folder=str(REPO_ROOT / "templates"))
    app.extensions["ticketing"] = ticketing or create_ticketing(settings)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.get("/")
    def index() -> str:
        service: Ticketing = app.extensions["ticketing"]
        with service.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return render_template(
            "health.html",
            schema_current=is_current(service.engine),
            workflows=service.worlds.catalogue.workflows.values(),
            counts=service.state_counts(),
        )

    return app
