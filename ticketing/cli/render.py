"""How tickets look on a terminal, and in ``--json`` output as the staff API's models show them.

``--json`` prints the API's answers (``ticketing.schemas.tickets``), field for
field: a list of ``TicketSummary`` (phones masked, as in the API's lists), a
whole ``Ticket`` with its history, or an ``ActionResult``.  A ticket's
``actions`` are those the staff member given with ``--as`` may take; without
one, none.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, TypeAdapter

from ticketing.cli.context import CliContext
from ticketing.domain.ticket import HistoryEntry, Ticket
from ticketing.read import queues
from ticketing.read.source import current_world
from ticketing.schemas import tickets


def detail(obj: CliContext, number: str, actor_id: str | None, at: datetime) -> tickets.Ticket:
    """The whole ticket, as ``actor_id`` would read it through the API at ``at``."""
    service = obj.ticketing
    view = queues.ticket_view(service, number, actor_id or "", at)
    return tickets.Ticket.of_view(view.world, view, service.worlds.tz)


def summaries(obj: CliContext, found: list[Ticket], at: datetime) -> list[tickets.TicketSummary]:
    service = obj.ticketing
    world = current_world(service)
    tz = service.worlds.tz
    return [tickets.TicketSummary.of(world, ticket, queues.deadline_of(world, ticket, at), tz) for ticket in found]


def api_json(answer: BaseModel | list[tickets.TicketSummary]) -> str:
    """The answer as the API sends it, indented."""
    if isinstance(answer, BaseModel):
        return answer.model_dump_json(indent=2)
    return TypeAdapter(list[tickets.TicketSummary]).dump_json(answer, indent=2).decode()


def ticket_line(obj: CliContext, ticket: Ticket) -> str:
    flags = "".join(f" [{flag}]" for flag, on in (("overdue", ticket.overdue), ("review", ticket.needs_review)) if on)
    due = f" {ticket.clock.value} due {obj.local(ticket.due_at)}" if ticket.clock else ""
    return (
        f"{ticket.number}  {ticket.state:<18} tier {ticket.tier + 1} {ticket.post_id} "
        f"holder {ticket.holder_id or '-'} first responder {ticket.first_responder_id or '-'} "
        f"v{ticket.version}{due}{flags}  {ticket.category}: {ticket.description[:40]}"
    )


TABLE_HEADER = ("NUMBER", "STATE", "TIER", "POST", "HOLDER", "FIRST RESPONDER", "VERSION", "DUE", "FLAGS", "CATEGORY")


def ticket_table(obj: CliContext, found: list[Ticket]) -> list[str]:
    """A header row and one aligned row per ticket; the description last, where its width matters to nobody."""
    rows = [(*TABLE_HEADER, "DESCRIPTION")]
    for ticket in found:
        flags = ",".join(flag for flag, on in (("overdue", ticket.overdue), ("review", ticket.needs_review)) if on)
        due = f"{ticket.clock.value} {obj.local(ticket.due_at)}" if ticket.clock else "-"
        holders = (ticket.holder_id or "-", ticket.first_responder_id or "-")
        where = (str(ticket.tier + 1), ticket.post_id, *holders)
        rows.append(
            (
                ticket.number,
                ticket.state,
                *where,
                f"v{ticket.version}",
                due,
                flags or "-",
                ticket.category,
                _one_line(ticket.description),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(TABLE_HEADER))]
    return [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]) for row in rows
    ]


def _one_line(text: str, width: int = 40) -> str:
    return " ".join(text.split())[:width]


def history_lines(obj: CliContext, entries: list[HistoryEntry]) -> list[str]:
    """One line per entry for operators: the codes and ids as stored, then what a person wrote."""
    return [
        f"{obj.local(e.at)}  {e.action:<17} {e.from_state or '-'} -> {e.to_state}  tier {e.tier + 1} {e.post_id} "
        f"holder {e.holder_id or '-'} by {e.actor_id or 'system'}"
        + "".join(f" {key}={value}" for key, value in e.details.items())
        + (f"  {e.reason}" if e.reason else "")
        for e in entries
    ]
