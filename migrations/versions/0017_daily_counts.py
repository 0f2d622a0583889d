"""The rates' daily roll-up: each ticket's day of opening, and the counts of every day and grid kept by triggers

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-05 10:00:00.000000

``tickets.opened_on`` is the district's calendar day a ticket was opened,
filled here in the district's time zone (``TICKETING_TIMEZONE``, as the
application reads it).  ``daily_counts`` is computed from the tickets, then
triggers record in every transaction that writes a ticket what it changed
(``daily_count_changes``, folded in by the sweep: ``ticketing.db.rollup``):
the rates of any period become a small sum.
"""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from ticketing.db import rollup
from ticketing.db.schema import RATE_COUNTS

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

BATCH = 10_000


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opened_on", sa.Date(), nullable=True))
    _fill_opened_on(op.get_bind(), ZoneInfo(os.environ.get("TICKETING_TIMEZONE") or "Asia/Shanghai"))
    op.create_table(
        "daily_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("street_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=False),
        *(sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False) for name in RATE_COUNTS),
        sa.PrimaryKeyConstraint("day", "street_id", "community_id", "grid_id", name=op.f("pk_daily_counts")),
    )
    op.create_index("ix_daily_counts_community_day", "daily_counts", ["community_id", "day"])
    op.create_table(
        "daily_count_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("street_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=False),
        *(sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False) for name in RATE_COUNTS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_count_changes")),
    )
    bind = op.get_bind()
    rollup.rebuild(bind)
    rollup.create_triggers(bind)


def downgrade() -> None:
    rollup.drop_triggers(op.get_bind())
    op.drop_table("daily_count_changes")
    op.drop_index("ix_daily_counts_community_day", table_name="daily_counts")
    op.drop_table("daily_counts")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("opened_on")


def _fill_opened_on(bind: sa.Connection, tz: ZoneInfo) -> None:
    """Each ticket's local day of opening, in batches (the time zone is the application's, not the database's)."""
    tickets = sa.table("tickets", sa.column("id", sa.Integer), sa.column("opened_on", sa.Date()))
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("UPDATE tickets SET opened_on = (created_at AT TIME ZONE :tz)::date"), {"tz": str(tz)})
        return
    from ticketing.db.types import UtcDateTime

    created = sa.column("created_at", UtcDateTime())
    last = 0
    while rows := bind.execute(
        sa.select(tickets.c.id, created)
        .select_from(tickets)
        .where(tickets.c.id > last)
        .order_by(tickets.c.id)
        .limit(BATCH)
    ).all():
        days = [{"key": ticket_id, "day": at.astimezone(tz).date()} for ticket_id, at in rows]
        bind.execute(
            sa.update(tickets).where(tickets.c.id == sa.bindparam("key")).values(opened_on=sa.bindparam("day")), days
        )
        last = rows[-1][0]
