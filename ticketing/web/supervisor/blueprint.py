"""The supervisors' blueprint and what its pages share: whose area is shown, and how spans of time read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint
from flask_babel import ngettext
from flask_login import current_user

from ticketing.domain.org import Organisation
from ticketing.read.board import Overseer, Scope, area
from ticketing.web.context import service

bp = Blueprint("supervisor", __name__, url_prefix="/supervise")


def overseer() -> Overseer:
    """The current user's area: their communities and streets, or the whole district for admins."""
    return Overseer(current_user.communities, current_user.streets, current_user.is_admin)


def in_scope() -> tuple[Organisation, Scope]:
    """The registry and the communities the current user oversees."""
    return area(service(), overseer())


def _span(delta: timedelta) -> str:
    """A length of time in its two largest units: "12 days 5 hours", "3 hours", "20 minutes"."""
    days, rest = divmod(int(abs(delta).total_seconds()) // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    amounts = (days, hours, minutes)
    texts = (
        ngettext("%(num)d day", "%(num)d days", days),
        ngettext("%(num)d hour", "%(num)d hours", hours),
        ngettext("%(num)d minute", "%(num)d minutes", minutes),
    )
    largest = next((index for index, amount in enumerate(amounts) if amount), len(amounts) - 1)
    shown = [texts[largest]]
    if largest + 1 < len(amounts) and amounts[largest + 1]:
        shown.append(texts[largest + 1])
    return " ".join(shown)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"span": _span}
