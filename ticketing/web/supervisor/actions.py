"""What a supervisor does to a ticket on the board: a supervision note (督办), a deadline extension (延期)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed
from ticketing.domain.ticket import Ticket, TicketDetail
from ticketing.web.context import now, service
from ticketing.web.errors import message_of, status_of
from ticketing.web.labels import HISTORY_ACTIONS, term
from ticketing.web.nav import requires
from ticketing.web.supervisor.blueprint import bp, in_scope
from ticketing.web.supervisor.board import Failed, Labels, RowForms, render_board

CONFLICT_MESSAGE = _l("Someone else changed this ticket — here is the current state.")


def _ticket_in_scope(number: str) -> TicketDetail:
    """The ticket, if the current user oversees it; a ticket outside their area does not exist for them."""
    detail = service().show(number)
    if not current_user.can_see(detail.ticket):
        abort(404)
    return detail


@bp.post("/board/<ticket:number>/note")
@requires("supervisor")
def note(number: str) -> Response | tuple[str, int]:
    """Add a supervision note (督办) to a ticket on the board."""
    ticket = _ticket_in_scope(number).ticket
    forms = RowForms.of(number, open=True)
    form = forms.note
    if not form.validate_on_submit():
        return render_board(Failed(ticket, forms, 400))
    text = {"text": form.text.data}
    return _act(ticket, forms, "supervise", text, form.version.data, _("Supervision note added"), refused="note")


@bp.post("/board/<ticket:number>/extend")
@requires("supervisor")
def extend(number: str) -> Response | tuple[str, int]:
    """Extend a ticket's running deadline (延期), before it passes."""
    ticket = _ticket_in_scope(number).ticket
    forms = RowForms.of(number, open=True)
    form = forms.extend
    if not form.validate_on_submit():
        return render_board(Failed(ticket, forms, 400))
    params = {"by": form.by.data, "reason": form.reason.data}
    return _act(ticket, forms, "extend", params, form.version.data, term(HISTORY_ACTIONS, "extend"))


def _act(
    ticket: Ticket,
    forms: RowForms,
    action: str,
    params: dict[str, str],
    expected_version: int,
    done: str,
    refused: str = "",
) -> Response | tuple[str, int]:
    """Apply the action; a stale version shows the current state, a refusal is shown next to the form."""
    try:
        service().act(ticket.number, action, current_user.id, now(), expected_version=expected_version, **params)
    except Conflict:
        detail = service().show(ticket.number)
        org, _scope = in_scope()
        return (
            render_template(
                "supervisor/conflict.html",
                detail=detail,
                forms=forms,
                labels=Labels(org),
                now=now(),
                query=request.args,
                message=CONFLICT_MESSAGE,
            ),
            409,
        )
    except (NotAllowed, InvalidInput) as error:
        forms.refusal, forms.refused = message_of(error), refused or action
        current = service().show(ticket.number).ticket
        return render_board(Failed(current, forms, status_of(error)))
    flash(f"{done}: {ticket.number}")
    query: dict[str, Any] = request.args.to_dict()
    return redirect(url_for("supervisor.board", **query))
