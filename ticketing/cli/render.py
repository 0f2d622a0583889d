"""How tickets look on a terminal and in ``--json`` output (times in the district's zone)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ticketing.cli.context import CliContext
from ticketing.domain.ticket import HistoryEntry, Ticket
from ticketing.services import TicketDetail


def _iso(obj: CliContext, moment: datetime | None) -> str | None:
    return moment.astimezone(obj.settings.tz).isoformat() if moment else None


def ticket_json(obj: CliContext, ticket: Ticket) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in Ticket.__slots__:
        value = getattr(ticket, name)
        values[name] = _iso(obj, value) if isinstance(value, datetime) else value
    return values


def detail_json(obj: CliContext, detail: TicketDetail) -> dict[str, Any]:
    entries = [
        {
            "at": _iso(obj, e.at),
            "actor": e.actor_id,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "tier": e.tier,
            "post": e.post_id,
            "holder": e.holder_id,
            "reason": e.reason,
        }
        for e in detail.history
    ]
    return ticket_json(obj, detail.ticket) | {"history": entries}


def ticket_line(obj: CliContext, ticket: Ticket) -> str:
    flags = "".join(f" [{flag}]" for flag, on in (("overdue", ticket.overdue), ("review", ticket.needs_review)) if on)
    due = f" {ticket.clock.value} due {obj.local(ticket.due_at)}" if ticket.clock else ""
    return (
        f"{ticket.number}  {ticket.state:<18} tier {ticket.tier + 1} {ticket.post_id} "
        f"holder {ticket.holder_id or '-'} first responder {ticket.first_responder_id or '-'} "
        f"v{ticket.version}{due}{flags}  {ticket.category}: {ticket.description[:40]}"
    )


def history_lines(obj: CliContext, entries: list[HistoryEntry]) -> list[str]:
    return [
        f"{obj.local(e.at)}  {e.action:<17} {e.from_state or '-'} -> {e.to_state}  tier {e.tier + 1} {e.post_id} "
        f"holder {e.holder_id or '-'} by {e.actor_id or 'system'}" + (f"  {e.reason}" if e.reason else "")
        for e in entries
    ]
