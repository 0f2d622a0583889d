"""Audit events: every administrative change (holders, the registry and calendars, accounts, keys, tokens)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 23:30:00.000000

Ticket changes have their history; changes to who may act and who holds a
post get a row here, written in the same transaction as the change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ticketing.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
    op.drop_table("audit_events")
