"""Staff accounts, resident access tokens, late-response flag

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 06:40:06.589994
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ticketing.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_staff_accounts_staff_id_staff")),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_staff_accounts")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("access_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("ack_late", sa.Boolean(), server_default=sa.text("false"), nullable=False))
        batch_op.create_unique_constraint(batch_op.f("uq_tickets_access_token_hash"), ["access_token_hash"])


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_tickets_access_token_hash"), type_="unique")
        batch_op.drop_column("ack_late")
        batch_op.drop_column("access_token_hash")

    op.drop_table("staff_accounts")
