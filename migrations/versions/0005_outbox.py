"""Notification outbox: idempotency key, attempts, retry time, last error, dead letters

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 07:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ticketing.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(sa.Column("next_attempt_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("dead_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True))
    # Notices written before the outbox existed: unsent ones become due now, every row gets a key.
    op.execute("UPDATE notifications SET idempotency_key = 'n-' || CAST(id AS VARCHAR(20))")
    op.execute("UPDATE notifications SET next_attempt_at = created_at WHERE sent_at IS NULL")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("idempotency_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_notifications_idempotency_key"), ["idempotency_key"])
        batch_op.create_index(batch_op.f("ix_notifications_next_attempt_at"), ["next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_dead_at"), ["dead_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_dead_at"))
        batch_op.drop_index(batch_op.f("ix_notifications_next_attempt_at"))
        batch_op.drop_constraint(batch_op.f("uq_notifications_idempotency_key"), type_="unique")
        batch_op.drop_column("dead_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("idempotency_key")
