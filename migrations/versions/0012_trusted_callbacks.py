"""Trusted callbacks: who calls back, spaced attempts, the means, "solved?" apart, 提级办理 and 诉求终结

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 07:10:00.000000

Tickets called back before this revision get the answers the old callback
implied: a satisfied or basically satisfied resident counted as solved, a
confirmation through the resident's link as the link means, any other
recorded verdict as a phone callback, and the callback post is the first
responder's.  The 不满意 verdicts already recorded in a ticket's history are
counted, so a ticket reopened once before the upgrade goes a tier up on the
next one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ticketing.db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("callback_post_id", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("first_attempt_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_attempt_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("callback_means", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("solved", sa.Boolean(), nullable=True))
        # A plain "0", not text("0"): SQLite then adds the column in place, where an expression default makes
        # the batch copy and drop the tickets table, which the history's foreign keys refuse once it has rows.
        batch_op.add_column(sa.Column("unsatisfied_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("termination_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("termination_proposed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("termination_proposed_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_tickets_callback_post_id"), ["callback_post_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tickets_termination_proposed_at"), ["termination_proposed_at"], unique=False
        )
    op.execute("UPDATE tickets SET callback_post_id = first_responder_post_id")
    op.execute(
        "UPDATE tickets SET solved = (satisfaction IN ('satisfied', 'basically_satisfied')) "
        "WHERE satisfaction IS NOT NULL"
    )
    op.execute(
        "UPDATE tickets SET callback_means = CASE WHEN EXISTS (SELECT 1 FROM history "
        "WHERE history.ticket_id = tickets.id AND history.action = 'resident_feedback') "
        "THEN 'link' ELSE 'phone' END WHERE satisfaction IS NOT NULL"
    )
    op.execute(
        "UPDATE tickets SET unsatisfied_count = (SELECT count(*) FROM history "
        "WHERE history.ticket_id = tickets.id AND history.action IN ('callback', 'resident_feedback') "
        "AND (history.reason = 'unsatisfied' OR history.reason LIKE 'unsatisfied. %'))"
    )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_termination_proposed_at"))
        batch_op.drop_index(batch_op.f("ix_tickets_callback_post_id"))
        batch_op.drop_column("termination_proposed_at")
        batch_op.drop_column("termination_proposed_by")
        batch_op.drop_column("termination_reason")
        batch_op.drop_column("unsatisfied_count")
        batch_op.drop_column("solved")
        batch_op.drop_column("callback_means")
        batch_op.drop_column("last_attempt_at")
        batch_op.drop_column("first_attempt_at")
        batch_op.drop_column("callback_post_id")
