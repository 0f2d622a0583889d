"""The resident status page's query (``ticketing.read.resident``); the ticket and its history are ``db.tickets``'s."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ticketing.db.rows import AnyRow
from ticketing.db.schema import attachments


def photos(conn: Connection, ticket_id: int) -> list[AnyRow]:
    """A ticket's attachments (``ix_attachments_ticket_id``) in the order they were added."""
    query = select(attachments).where(attachments.c.ticket_id == ticket_id).order_by(attachments.c.id)
    return list(conn.execute(query))
