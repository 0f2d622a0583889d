"""The resident's language on each ticket: their notices are written in the language they filed in

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 09:40:00.000000

Tickets opened before this revision were filed through Chinese pages or by
staff, so they keep Chinese (``zh_Hans``), the district's default.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        # A plain default, not an expression: SQLite then adds the column in place (see 0012).
        batch_op.add_column(
            sa.Column("resident_language", sa.String(length=8), server_default="zh_Hans", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("resident_language")
