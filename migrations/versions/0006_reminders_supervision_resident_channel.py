"""Reminders and supervision timers (催办, 通报); the resident's chosen notification channel

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 09:40:00.000000

Tickets whose clock was already running get their reminders from the next
change of their deadline (their whole working time was not recorded).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ticketing.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), server_default="", nullable=False))
        batch_op.add_column(sa.Column("notify_by", sa.String(length=8), server_default="none", nullable=False))
        batch_op.add_column(sa.Column("allowed_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("overdue_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("urged_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("warned_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="deadline", nullable=False))
        batch_op.add_column(sa.Column("step", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.alter_column("clock", existing_type=sa.String(length=16), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM deadlines WHERE clock IS NULL")
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        batch_op.alter_column("clock", existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_column("step")
        batch_op.drop_column("kind")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("warned_at")
        batch_op.drop_column("urged_at")
        batch_op.drop_column("overdue_at")
        batch_op.drop_column("allowed_seconds")
        batch_op.drop_column("notify_by")
        batch_op.drop_column("contact_email")
