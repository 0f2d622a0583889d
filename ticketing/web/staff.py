"""Grid staff: queues, the ticket page and its actions, walk-in registration, absences."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
