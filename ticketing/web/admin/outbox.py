"""The outbox's dead notices, and sending one again."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ticketing.domain.errors import Conflict
from ticketing.read.outbox import dead_messages
from ticketing.services.outbox import retry_dead
from ticketing.web.admin.blueprint import bp
from ticketing.web.context import now, service
from ticketing.web.errors import message_of
from ticketing.web.nav import requires


@bp.get("/outbox")
@requires("admin")
def outbox() -> str:
    """Notices that could not be delivered after every retry, newest first: someone must tell the person."""
    return render_template("admin/outbox.html", dead=dead_messages(service().engine))


@bp.post("/outbox/<int:notice_id>/retry")
@requires("admin")
def retry_notice(notice_id: int) -> Response | tuple[str, int]:
    """Queue a dead notice again, under its idempotency key: a receiver that took an earlier try drops it."""
    try:
        retry_dead(service().engine, [notice_id], now(), current_user.id)
    except Conflict as refusal:
        page = render_template("admin/outbox.html", dead=dead_messages(service().engine), refusal=message_of(refusal))
        return page, 409
    flash(_("Notice %(id)s is queued again: the next dispatch sends it.", id=notice_id))
    return redirect(url_for(".outbox"))
