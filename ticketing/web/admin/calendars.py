"""The working-hours calendars and what each governs."""

from __future__ import annotations

from flask import render_template

from ticketing.read.admin import calendar_usage
from ticketing.web.admin.blueprint import bp
from ticketing.web.context import service
from ticketing.web.nav import requires


@bp.get("/calendars")
@requires("admin")
def calendars() -> str:
    """Each working-hours calendar, its segments per kind of day, and the units and posts it governs."""
    found = calendar_usage(service())
    return render_template("admin/calendars.html", calendars=found)
