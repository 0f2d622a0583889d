"""Holiday overrides: admins make a date a holiday or a make-up workday from the calendars page, API or CLI

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 07:00:00.000000

Until now overrides could only be given as a file read at start; kept in the
database, an override reaches every process at its next transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ticketing.db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holiday_overrides",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holiday_overrides")),
    )


def downgrade() -> None:
    op.drop_table("holiday_overrides")
