"""Admins: the organisation, absences, calendars, roster import, staff accounts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
