"""The navigation each role sees (with what waits in its lists), where each role lands, and the role checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app, g, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from ticketing.read import board, queues
from ticketing.read.board import Overseer
from ticketing.web.context import now, service

Audience = (
    str  # "anyone", "staff", "community" (a community's staff: 双报到 and its service list), "supervisor", "admin"
)

NAV: tuple[tuple[str, Any, Audience], ...] = (
    ("resident.new_request", _l("Open a request"), "anyone"),
    ("resident.track", _l("Track a request"), "anyone"),
    ("volunteer.register", _l("Register with your community"), "anyone"),
    ("staff.queue", _l("My queue"), "staff"),
    ("staff.accountable", _l("Accountable"), "staff"),
    ("staff.callbacks", _l("Callbacks due"), "staff"),
    ("staff.register", _l("Register a request"), "staff"),
    ("staff.absence", _l("My absence"), "staff"),
    ("community.service_list", _l("Service list"), "community"),
    ("community.registrations", _l("Dual registrations"), "community"),
    ("community.teams", _l("Volunteer teams"), "community"),
    ("community.cards", _l("Record cards"), "community"),
    ("supervisor.board", _l("Overdue board"), "supervisor"),
    ("supervisor.rates", _l("Rates"), "supervisor"),
    ("supervisor.volunteers", _l("Volunteer service"), "supervisor"),
    ("supervisor.terminations", _l("Terminations"), "supervisor"),
    ("supervisor.workflows", _l("Workflows"), "supervisor"),
    ("admin.organisation", _l("Organisation"), "admin"),
    ("admin.accounts", _l("Accounts"), "admin"),
)

# The links in the bar, by role, in this order; every other page the user may open goes under "More".
# Residents' pages are not in a logged-in member's menu: staff register requests themselves.
SHOWN: dict[str, tuple[str, ...]] = {
    "anyone": ("resident.new_request", "resident.track"),
    "staff": ("staff.queue", "staff.callbacks", "staff.accountable", "staff.register"),
    "supervisor": ("supervisor.board", "staff.queue", "staff.callbacks", "supervisor.rates"),
    "admin": ("admin.organisation", "admin.accounts", "supervisor.board", "staff.queue"),
}
LANDING = {"anyone": "home", "staff": "staff.queue", "supervisor": "supervisor.board", "admin": "admin.organisation"}
COUNTED = ("staff.queue", "staff.callbacks", "supervisor.board")


@dataclass(frozen=True, slots=True)
class NavLink:
    """A link of the navigation; ``count`` what waits there (None: not counted), ``more`` under the "More" menu."""

    endpoint: str
    label: str
    count: int | None = None
    more: bool = False


def allowed(audience: Audience) -> bool:
    """Whether the current user belongs to an audience."""
    if audience == "anyone":
        return True
    if not current_user.is_authenticated:
        return False
    audiences = {
        "staff": True,
        "community": current_user.is_community_staff,
        "supervisor": current_user.is_supervisor,
        "admin": current_user.is_admin,
    }
    return audiences[audience]


def role() -> Audience:
    """The current user's widest audience: what their navigation and landing page are made for."""
    for audience in ("admin", "supervisor", "staff"):
        if allowed(audience):
            return audience
    return "anyone"


def landing() -> str:
    """Where this user starts: residents the home page, staff their queue, supervisors the overdue board,
    admins the organisation."""
    return url_for(LANDING[role()])


def nav_counts() -> dict[str, int]:
    """What waits in the counted lists, from their own indexed counts (two or three small queries), once a request."""
    if "nav_counts" not in g:
        g.nav_counts = {}
        try:
            counts = queues.desk_counts(service(), current_user.id)
            g.nav_counts = {"staff.queue": counts.queue, "staff.callbacks": counts.callbacks}
            if current_user.is_supervisor:
                seer = Overseer(current_user.communities, current_user.streets, current_user.is_admin)
                g.nav_counts["supervisor.board"] = board.board_count(service(), seer, now())
        except SQLAlchemyError:  # the error page of a database outage still shows its links, without counts
            pass
    found: dict[str, int] = g.nav_counts
    return found


def nav_links() -> list[NavLink]:
    """The links of the pages this user may open (pages not built yet are left out): the role's own first, with
    what waits in each counted list, the rest under "More"; a resident's pages only for residents."""
    audience = role()
    shown = SHOWN[audience]
    pages = {
        endpoint: label
        for endpoint, label, who in NAV
        if endpoint in current_app.view_functions and allowed(who) and (who != "anyone") == (audience != "anyone")
    }
    counts = nav_counts() if audience != "anyone" else {}
    first = [NavLink(e, str(pages[e]), counts.get(e)) for e in shown if e in pages]
    rest = [NavLink(e, str(label), counts.get(e), more=True) for e, label in pages.items() if e not in shown]
    return first + rest


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
