"""The lists on a staff member's desk: their queue, what they answer for, and the callbacks due."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ticketing.read import queues
from ticketing.web.context import now, service
from ticketing.web.inputs import page_number
from ticketing.web.nav import requires
from ticketing.web.staff.blueprint import bp


@bp.get("/queue")
@requires("staff")
def queue() -> str:
    """Open tickets I hold or my posts hold unclaimed, most urgent first."""
    page = queues.my_queue(service(), current_user.id, now(), page_number())
    return render_template("staff/queue.html", page=page)


@bp.get("/accountable")
@requires("staff")
def accountable() -> str:
    """Tickets I am first responder for, wherever they are now."""
    page = queues.accountable(service(), current_user.id, now(), page_number())
    return render_template("staff/accountable.html", page=page)


@bp.get("/callbacks")
@requires("staff")
def callbacks() -> str:
    """Resolved and referred tickets waiting for my telephone callback."""
    page = queues.callbacks_due(service(), current_user.id, now(), page_number())
    return render_template("staff/callbacks.html", page=page)
