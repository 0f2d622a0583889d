"""Actions on a ticket, one operation each (``POST /tickets/<number>/actions/<action>``), with the version read."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request

from ticketing.schemas import tickets
from ticketing.schemas.ticket_requests import ACTIONS, Action
from ticketing.web.api_v1.auth import user
from ticketing.web.api_v1.blueprint import BODY, NUMBER, answers, api, bp
from ticketing.web.api_v1.tickets import ticket, visible_view
from ticketing.web.context import now, service


def _act(number: str, action: str, body: Action) -> tickets.ActionResult:
    """Apply one action with the version the caller read; a stale version is refused with 409."""
    visible_view(number)
    params = body.model_dump(exclude={"version"})
    changed = service().act(number, action, user().id, now(), expected_version=body.version, **params)
    shown = ticket(changed.number) if user().can_see(changed) else None
    return tickets.ActionResult(
        action=action, number=changed.number, state=changed.state, version=changed.version, ticket=shown
    )


def _action_view(action: str, model: type[Action], summary: str) -> Callable[[str], Response]:
    """The view of one action, wrapped by spectree: it validates the body and makes the answer a response."""

    def view(number: str) -> tickets.ActionResult:
        return _act(number, action, request.context.json)  # type: ignore[attr-defined]  # spectree's context

    view.__name__, view.__doc__ = f"act_{action}", summary
    # Whoever may see a ticket may note it (holders, its first responder, supervisors): no 403 there.
    refusals = (404, 409, *BODY) if action == "note" else (403, 404, 409, *BODY)
    return api.validate(
        json=model,
        resp=answers(200, tickets.ActionResult, *refusals),
        tags=["actions"],
        operation_id=f"act_{action}",
        path_parameter_descriptions=NUMBER,
    )(view)


for _action, (_model, _summary) in ACTIONS.items():
    bp.add_url_rule(
        f"/tickets/<number>/actions/{_action}",
        endpoint=f"act_{_action}",
        view_func=_action_view(_action, _model, _summary),
        methods=["POST"],
    )
