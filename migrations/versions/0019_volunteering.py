"""双报到 and volunteer service: registrants, volunteer teams, the service list, claims and record cards

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 15:30:34.262511

New tables only: nothing existing changes.  A need made from a ticket refers to it (``service_items.ticket_id``),
as does the service recorded when that ticket was resolved.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ticketing.db.types

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registrants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("contact_name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("work_unit", sa.String(length=200), server_default="", nullable=False),
        sa.Column("skills", sa.String(length=500), server_default="", nullable=False),
        sa.Column("offer", sa.String(length=500), server_default="", nullable=False),
        sa.Column("hours_per_month", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("registered_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("link_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["units.id"], name=op.f("fk_registrants_community_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrants")),
        sa.UniqueConstraint("link_hash", name=op.f("uq_registrants_link_hash")),
    )
    with op.batch_alter_table("registrants", schema=None) as batch_op:
        batch_op.create_index("ix_registrants_community_id_status", ["community_id", "status"], unique=False)
        batch_op.create_index("ix_registrants_phone", ["phone"], unique=False)

    op.create_table(
        "service_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("people_wanted", sa.Integer(), nullable=False),
        sa.Column("minutes_each", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["units.id"], name=op.f("fk_service_items_community_id_units")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_service_items_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_items")),
    )
    with op.batch_alter_table("service_items", schema=None) as batch_op:
        batch_op.create_index("ix_service_items_community_id_status", ["community_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_items_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "volunteer_teams",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("brand", sa.String(length=100), server_default="", nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("created_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("disbanded_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["units.id"], name=op.f("fk_volunteer_teams_community_id_units")),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["registrants.id"], name=op.f("fk_volunteer_teams_leader_id_registrants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_teams")),
    )
    with op.batch_alter_table("volunteer_teams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_volunteer_teams_community_id"), ["community_id"], unique=False)

    op.create_table(
        "service_claims",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("registrant_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=200), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["service_items.id"], name=op.f("fk_service_claims_item_id_service_items")
        ),
        sa.ForeignKeyConstraint(
            ["registrant_id"], ["registrants.id"], name=op.f("fk_service_claims_registrant_id_registrants")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["volunteer_teams.id"], name=op.f("fk_service_claims_team_id_volunteer_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_claims")),
    )
    with op.batch_alter_table("service_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_claims_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_claims_registrant_id"), ["registrant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_claims_team_id"), ["team_id"], unique=False)

    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("registrant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registrant_id"], ["registrants.id"], name=op.f("fk_team_members_registrant_id_registrants")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["volunteer_teams.id"], name=op.f("fk_team_members_team_id_volunteer_teams")
        ),
        sa.PrimaryKeyConstraint("team_id", "registrant_id", name=op.f("pk_team_members")),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_members_registrant_id"), ["registrant_id"], unique=False)

    op.create_table(
        "service_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("registrant_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("what", sa.String(length=500), nullable=False),
        sa.Column("confirmed_by", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", ticketing.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["service_claims.id"], name=op.f("fk_service_records_claim_id_service_claims")
        ),
        sa.ForeignKeyConstraint(["community_id"], ["units.id"], name=op.f("fk_service_records_community_id_units")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["service_items.id"], name=op.f("fk_service_records_item_id_service_items")
        ),
        sa.ForeignKeyConstraint(
            ["registrant_id"], ["registrants.id"], name=op.f("fk_service_records_registrant_id_registrants")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["volunteer_teams.id"], name=op.f("fk_service_records_team_id_volunteer_teams")
        ),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_service_records_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_records")),
    )
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_records_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index("ix_service_records_community_id_served_on", ["community_id", "served_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_records_registrant_id"), ["registrant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_records_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_records_team_id"))
        batch_op.drop_index(batch_op.f("ix_service_records_registrant_id"))
        batch_op.drop_index("ix_service_records_community_id_served_on")
        batch_op.drop_index(batch_op.f("ix_service_records_claim_id"))

    op.drop_table("service_records")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_members_registrant_id"))

    op.drop_table("team_members")
    with op.batch_alter_table("service_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_claims_team_id"))
        batch_op.drop_index(batch_op.f("ix_service_claims_registrant_id"))
        batch_op.drop_index(batch_op.f("ix_service_claims_item_id"))

    op.drop_table("service_claims")
    with op.batch_alter_table("volunteer_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_teams_community_id"))

    op.drop_table("volunteer_teams")
    with op.batch_alter_table("service_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_items_ticket_id"))
        batch_op.drop_index("ix_service_items_community_id_status")

    op.drop_table("service_items")
    with op.batch_alter_table("registrants", schema=None) as batch_op:
        batch_op.drop_index("ix_registrants_phone")
        batch_op.drop_index("ix_registrants_community_id_status")

    op.drop_table("registrants")
