"""Residents (no account): open a request, follow it, confirm and rate it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("resident", __name__, url_prefix="/r")
