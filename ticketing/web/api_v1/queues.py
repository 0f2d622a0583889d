"""The caller's work lists, a page at a time: their queue, the tickets they answer for, callbacks due."""

from __future__ import annotations

from ticketing.read import queues
from ticketing.read.board import Overseer
from ticketing.read.queues import WorkList
from ticketing.read.terminations import pending_terminations
from ticketing.schemas import tickets
from ticketing.schemas.ticket_requests import PageQuery
from ticketing.web.api_v1.auth import supervisor, user
from ticketing.web.api_v1.blueprint import answers, api, bp
from ticketing.web.context import now, service


def _queue_page(page: WorkList) -> tickets.QueuePage:
    tz = service().worlds.tz
    return tickets.QueuePage(
        items=[
            tickets.QueueItem.model_validate(
                {**tickets.summary_fields(page.world, item.ticket, item.deadline, tz), "joined": item.joined}
            )
            for item in page.items
        ],
        page=page.number,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
    )


@bp.get("/queues/mine")
@api.validate(resp=answers(200, tickets.QueuePage, 422), tags=["queues"], operation_id="myQueue")
def my_queue(query: PageQuery) -> tickets.QueuePage:
    """Open tickets you hold, those of your posts nobody holds and those your posts joined (协同), most urgent first"""
    return _queue_page(queues.my_queue(service(), user().id, now(), query.page))


@bp.get("/queues/accountable")
@api.validate(resp=answers(200, tickets.QueuePage, 422), tags=["queues"], operation_id="accountableQueue")
def accountable(query: PageQuery) -> tickets.QueuePage:
    """Tickets you are first responder for, open ones first"""
    return _queue_page(queues.accountable(service(), user().id, now(), query.page))


@bp.get("/queues/callbacks")
@api.validate(resp=answers(200, tickets.QueuePage, 422), tags=["queues"], operation_id="callbacksQueue")
def callbacks(query: PageQuery) -> tickets.QueuePage:
    """Resolved and referred tickets waiting for your telephone callback"""
    return _queue_page(queues.callbacks_due(service(), user().id, now(), query.page))


@bp.get("/queues/terminations")
@api.validate(resp=answers(200, tickets.QueuePage, 403, 422), tags=["queues"], operation_id="terminationsQueue")
def terminations(query: PageQuery) -> tickets.QueuePage:
    """Proposals of 诉求终结 waiting for a decision in your area (supervisors), oldest first, on one page"""
    caller = supervisor()
    overseer = Overseer(caller.communities, caller.streets, caller.is_admin)
    return _queue_page(pending_terminations(service(), overseer, now()))
