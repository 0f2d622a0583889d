"""Security: account session epochs, shared login throttling and rate-limit counters, cancellable absences

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 20:00:00.000000

``session_epoch`` goes up when an account logs out, changes its password or
is deactivated: every session and token issued under an older epoch ends.
``login_attempts`` and ``rate_limits`` hold counters in the database so every
web process and host sees the same numbers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ticketing.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), server_default=sa.text("0"), nullable=False))
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True))
    op.create_table(
        "login_attempts",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", ticketing.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_attempts")),
    )
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limits")),
    )
    op.create_index(op.f("ix_rate_limits_expires_at"), "rate_limits", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_limits_expires_at"), table_name="rate_limits")
    op.drop_table("rate_limits")
    op.drop_table("login_attempts")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
    with op.batch_alter_table("staff_accounts", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
