"""The navigation each audience sees, and the role checks views use."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

Audience = str  # "anyone", "staff", "supervisor" or "admin"

NAV: tuple[tuple[str, Any, Audience], ...] = (
    ("resident.new_request", _l("Open a request"), "anyone"),
    ("resident.track", _l("Track a request"), "anyone"),
    ("staff.queue", _l("My queue"), "staff"),
    ("staff.accountable", _l("Accountable"), "staff"),
    ("staff.callbacks", _l("Callbacks due"), "staff"),
    ("staff.register", _l("Register a request"), "staff"),
    ("staff.absence", _l("My absence"), "staff"),
    ("supervisor.board", _l("Overdue board"), "supervisor"),
    ("supervisor.rates", _l("Rates"), "supervisor"),
    ("supervisor.terminations", _l("Terminations"), "supervisor"),
    ("supervisor.workflows", _l("Workflows"), "supervisor"),
    ("admin.organisation", _l("Organisation"), "admin"),
    ("admin.accounts", _l("Accounts"), "admin"),
)


def allowed(audience: Audience) -> bool:
    """Whether the current user belongs to an audience."""
    if audience == "anyone":
        return True
    if not current_user.is_authenticated:
        return False
    return {"staff": True, "supervisor": current_user.is_supervisor, "admin": current_user.is_admin}[audience]


def nav_links() -> list[tuple[str, Any]]:
    """Links of the pages this user may open (pages not built yet are left out)."""
    return [
        (endpoint, label) for endpoint, label, who in NAV if endpoint in current_app.view_functions and allowed(who)
    ]


def requires(audience: Audience) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log in first, then 403 unless the user belongs to the audience."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not allowed(audience):
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate
