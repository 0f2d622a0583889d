"""The admins' blueprint and what its forms share: text without spaces around it, what is wrong with a holder."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("admin", __name__, url_prefix="/admin")

HOLDER_MESSAGES = {
    "unknown": _l("No staff member has this number."),
    "same": _l("A and B must be two different people."),
    "twice": _l("Each holder once: nobody may hold the post twice."),
}


def strip(value: str | None) -> str | None:
    """A form filter: the text without the spaces around it (a field left out stays ``None``)."""
    return value.strip() if isinstance(value, str) else value
