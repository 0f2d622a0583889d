"""Tickets: the list a caller may see (cursor pages), registering one, and one ticket with its history.

A ticket out of the caller's sight (``StaffUser.can_see``) is "not found", like an unknown number.
"""

from __future__ import annotations

import re

from ticketing.domain.errors import NotFound
from ticketing.domain.field_rules import TICKET_NUMBER
from ticketing.domain.rules import usual_notice
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.read import queues
from ticketing.read.api import Cursor, TicketFilter, Visibility, ticket_slice
from ticketing.read.queues import TicketView, deadline_of
from ticketing.read.source import current_organisation
from ticketing.schemas import tickets
from ticketing.schemas.ticket_requests import NewTicket, NoQuery, TicketQuery
from ticketing.web.api_errors import ApiError
from ticketing.web.api_v1.auth import user
from ticketing.web.api_v1.blueprint import BODY, NUMBER, answers, api, bp
from ticketing.web.context import now, service
from ticketing.web.history_text import history_line
from ticketing.web.users import StaffUser

NO_TICKET = "no ticket %(key)r: give a tracking number such as 261127-000001"


def _visibility(reader: StaffUser) -> Visibility:
    return Visibility(
        reader.id, reader.post_ids, reader.communities, reader.streets, reader.is_supervisor, reader.is_admin
    )


def visible_view(number: str) -> TicketView:
    """The ticket as the caller's ticket page shows it; one out of their sight is not found, like an unknown one."""
    if not re.fullmatch(TICKET_NUMBER, number):
        raise NotFound(NO_TICKET, key=number)
    view = queues.ticket_view(service(), number, user().id, now())
    if not user().can_see(view.ticket):
        raise NotFound(NO_TICKET, key=number)
    return view


def ticket(number: str) -> tickets.Ticket:
    """The ticket as the caller may see it (their actions), with its history."""
    view = visible_view(number)
    return tickets.Ticket.of_view(
        view.world, view, service().worlds.tz, describe=lambda entry: history_line(entry, view.org)
    )


@bp.get("/tickets")
@api.validate(resp=answers(200, tickets.TicketList, 422), tags=["tickets"], operation_id="listTickets")
def list_tickets(query: TicketQuery) -> tickets.TicketList:
    """Tickets you may see, most urgent deadline first, a page at a time"""
    canonical = current_organisation(service()).staff_id_for
    filters = TicketFilter(
        state=query.state,
        post_id=query.post,
        holder_id=canonical(query.holder) if query.holder else None,
        first_responder_id=canonical(query.first_responder) if query.first_responder else None,
        community_id=query.community,
        overdue=query.overdue,
        open_only=query.open,
    )
    try:
        after = Cursor.decode(query.cursor) if query.cursor else None
    except ValueError:
        raise ApiError(400, "invalid_cursor", "use the next_cursor of a previous page as it is") from None
    tz = service().worlds.tz
    found = ticket_slice(service(), _visibility(user()), filters, after, query.limit)
    world = found.world
    items = [tickets.TicketSummary.of(world, t, deadline_of(world, t, now()), tz) for t in found.tickets]
    return tickets.TicketList(items=items, next_cursor=found.next.encode() if found.next else None)


@bp.post("/tickets")
@api.validate(
    resp=answers(201, tickets.Ticket, 404, *BODY, done="Registered."), tags=["tickets"], operation_id="openTicket"
)
def open_ticket(json: NewTicket) -> tuple[tickets.Ticket, int, dict[str, str]]:
    """Register a request (walk-in, phone, on a resident's behalf, patrol); you become its first responder"""
    channel = Channel(json.channel)
    phone, email = json.contact_phone or "", json.contact_email or ""
    opened = service().open_ticket(
        category=json.category,
        description=json.description,
        contact_phone=phone,
        contact_name=json.contact_name or "",
        contact_email=email,
        notify_by=ResidentChannel(json.notify_by) if json.notify_by else usual_notice(channel, phone, email),
        location_id=json.location_id or None,
        address=json.address or "",
        channel=channel,
        registrar_id=user().id,
        now=now(),
    )
    return ticket(opened.number), 201, {"Location": f"{bp.url_prefix}/tickets/{opened.number}"}


@bp.get("/tickets/<number>")
@api.validate(
    query=NoQuery,
    resp=answers(200, tickets.Ticket, 404, 422),
    tags=["tickets"],
    operation_id="showTicket",
    path_parameter_descriptions=NUMBER,
)
def show_ticket(number: str) -> tickets.Ticket:
    """A ticket with its history, deadlines, version and the actions you may take now"""
    return ticket(number)
