"""Posts with more than two holders; posts joining a ticket (协同); the outcome of a mediation

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 07:30:00.000000

A post may have holders after A and B, in order (``posts.more_holders``). A
missed acknowledgement passes along every holder in turn, so the flag that
the other of two holders was tried becomes a count of places passed
(``tickets.ack_passes``: a ticket whose other holder was tried has passed one
place). Invitations of other posts to a ticket are rows of ``ticket_joins``;
a dispute ticket keeps how its mediation ended.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ticketing.db.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("more_holders", sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ack_passes", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(sa.Column("mediation", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("mediation_agreement", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("mediated_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True))
    op.execute("UPDATE tickets SET ack_passes = 1 WHERE other_holder_tried")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("other_holder_tried")
    op.create_table(
        "ticket_joins",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.String(length=100), nullable=False),
        sa.Column("invited_by", sa.String(length=64), nullable=False),
        sa.Column("invited_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("released_by", sa.String(length=64), nullable=True),
        sa.Column("released_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_joins_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_joins")),
    )
    with op.batch_alter_table("ticket_joins", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_joins_post_open", ["post_id", "released_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_joins_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_joins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_joins_ticket_id"))
        batch_op.drop_index("ix_ticket_joins_post_open")
    op.drop_table("ticket_joins")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("other_holder_tried", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE tickets SET other_holder_tried = (ack_passes > 0)")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.alter_column("other_holder_tried", server_default=None)
        batch_op.drop_column("mediated_at")
        batch_op.drop_column("mediation_agreement")
        batch_op.drop_column("mediation")
        batch_op.drop_column("ack_passes")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_column("more_holders")
