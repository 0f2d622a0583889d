"""The roll-up's triggers fire only for tickets that count in the rates; its changes are read by day

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 13:40:00.000000

An open ticket (no rating yet, not returned or terminated) meets none of the
rates' terms, so its insert, escalations and hand-overs added rows of zeros
to ``daily_count_changes``: work in every intake and in every escalation of
the sweep, for nothing.  The triggers now say so in their ``WHEN`` clauses
(``ticketing.db.rollup``); the counts they keep are the same.

``daily_count_changes`` gets an index on the day: a rates page read the whole
table for its period's few changes, and, the sweep's fold deleting what it
moves, the dead rows of every change folded since the last vacuum with them.
"""

from __future__ import annotations

from alembic import op

from ticketing.db import rollup

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    rollup.drop_triggers(bind)
    rollup.create_triggers(bind)
    op.create_index("ix_daily_count_changes_day", "daily_count_changes", ["day"])


def downgrade() -> None:
    """The index goes; the quieter triggers stay, as they keep the same counts as the ones they replaced."""
    op.drop_index("ix_daily_count_changes_day", table_name="daily_count_changes")
