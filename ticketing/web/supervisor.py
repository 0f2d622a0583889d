"""Supervisors: the overdue board, the three rates with charts, exports, workflow diagrams."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("supervisor", __name__, url_prefix="/supervise")
