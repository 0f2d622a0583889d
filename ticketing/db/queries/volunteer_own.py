"""The queries of a registrant's own pages and a community's public service list (``ticketing.read.volunteer_own``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, func, or_, select

from ticketing.db.queries.service_list import claim_counts
from ticketing.db.rows import AnyRow
from ticketing.db.schema import service_claims, service_items, service_records
from ticketing.db.schema import volunteer_teams as teams
from ticketing.domain.volunteering.model import ItemStatus


def open_items(conn: Connection, community_id: str, today: date) -> list[AnyRow]:
    """The community's open items not yet over (``ix_service_items_community_id_status``), with the places live
    claims hold (``taken``), the soonest first."""
    counts = claim_counts()
    query = (
        select(service_items, func.coalesce(counts.c.taken, 0).label("taken"))
        .outerjoin(counts, counts.c.item_id == service_items.c.id)
        .where(
            service_items.c.community_id == community_id,
            service_items.c.status == ItemStatus.OPEN.value,
            service_items.c.ends_on >= today,
        )
        .order_by(service_items.c.starts_on, service_items.c.id)
    )
    return list(conn.execute(query))


def claims_of(conn: Connection, registrant_id: int, team_ids: Sequence[int]) -> list[AnyRow]:
    """The registrant's own claims and those of the teams they lead, with the item's title and the team's name,
    the newest first."""
    whose = service_claims.c.registrant_id == registrant_id
    if team_ids:
        whose = or_(whose, service_claims.c.team_id.in_(sorted(team_ids)))
    query = (
        select(
            service_claims,
            service_items.c.title,
            service_items.c.starts_on,
            service_items.c.ends_on,
            teams.c.name.label("team_name"),
        )
        .join(service_items, service_items.c.id == service_claims.c.item_id)
        .outerjoin(teams, teams.c.id == service_claims.c.team_id)
        .where(whose)
        .order_by(service_claims.c.claimed_at.desc(), service_claims.c.id.desc())
    )
    return list(conn.execute(query))


def records_of(conn: Connection, registrant_id: int) -> list[AnyRow]:
    """The registrant's record card (服务记录卡): its entries, the latest served first."""
    query = (
        select(service_records)
        .where(service_records.c.registrant_id == registrant_id)
        .order_by(service_records.c.served_on.desc(), service_records.c.id.desc())
    )
    return list(conn.execute(query))
