"""Partial indexes on open and flagged tickets, the API list's order, and the rates of a community's period

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 08:15:00.000000

The board, the staff queues and the API list read open tickets, a few per
cent of all after a few years; these indexes hold only those, so the
queries no longer walk past the closed ones.  The predicates are written as
``ticketing.db.schema`` renders them on each database (``overdue = true`` on
PostgreSQL, ``overdue = 1`` on SQLite), since SQLite uses a partial index
only for a query repeating its terms.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OPEN_INDEXES = {
    "ix_tickets_open_due": ["due_at", "id"],
    "ix_tickets_open_first_responder": ["first_responder_id"],
    "ix_tickets_open_callback_post": ["callback_post_id"],
}
BOARD_INDEXES = {
    "ix_tickets_board": ["created_at", "id"],
    "ix_tickets_board_community": ["community_id", "created_at", "id"],
}
PLAIN_INDEXES = {
    "ix_tickets_due": ["due_at", "id"],
    "ix_tickets_community_created": ["community_id", "created_at"],
    "ix_tickets_street": ["street_id"],
}


def upgrade() -> None:
    yes = "true" if op.get_bind().dialect.name == "postgresql" else "1"
    open_ = sa.text("closed_at IS NULL")
    on_board = sa.text(f"closed_at IS NULL AND (overdue = {yes} OR tier > 0 OR needs_review = {yes})")
    for name, columns in OPEN_INDEXES.items():
        op.create_index(name, "tickets", columns, postgresql_where=open_, sqlite_where=open_)
    for name, columns in BOARD_INDEXES.items():
        op.create_index(name, "tickets", columns, postgresql_where=on_board, sqlite_where=on_board)
    for name, columns in PLAIN_INDEXES.items():
        op.create_index(name, "tickets", columns)
    mediated = sa.text("mediation IS NOT NULL")
    op.create_index("ix_tickets_mediated", "tickets", ["mediated_at"], postgresql_where=mediated, sqlite_where=mediated)


def downgrade() -> None:
    op.drop_index("ix_tickets_mediated", table_name="tickets")
    for name in [*PLAIN_INDEXES, *BOARD_INDEXES, *OPEN_INDEXES]:
        op.drop_index(name, table_name="tickets")
