"""Record cards (服务记录卡): a card's entries and the totals of a period (``ticketing.read.record_cards``)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import Connection, func, select

from ticketing.db.rows import AnyRow
from ticketing.db.schema import registrants, service_claims, service_items, service_records
from ticketing.db.schema import volunteer_teams as teams


def entries(conn: Connection, registrant_id: int | None = None, team_id: int | None = None) -> list[AnyRow]:
    """The card's entries of a registrant or a team, latest day first, with the item's title if any."""
    owner = (
        service_records.c.registrant_id == registrant_id
        if registrant_id is not None
        else service_records.c.team_id == team_id
    )
    query = (
        select(service_records, service_items.c.title)
        .outerjoin(service_items, service_items.c.id == service_records.c.item_id)
        .where(owner)
        .order_by(service_records.c.served_on.desc(), service_records.c.id.desc())
    )
    return list(conn.execute(query))


def served(conn: Connection, communities: Collection[str], first: date, last: date) -> list[AnyRow]:
    """Per registrant or team: entries and person-minutes served from ``first`` to ``last`` (days, inclusive)."""
    query = (
        select(
            service_records.c.registrant_id,
            service_records.c.team_id,
            func.count().label("entries"),
            func.sum(service_records.c.minutes * service_records.c.people).label("person_minutes"),
        )
        .where(
            service_records.c.community_id.in_(sorted(communities)),
            service_records.c.served_on >= first,
            service_records.c.served_on <= last,
        )
        .group_by(service_records.c.registrant_id, service_records.c.team_id)
    )
    return list(conn.execute(query))


def completed(conn: Connection, communities: Collection[str], starts: datetime, ends: datetime) -> list[AnyRow]:
    """Per registrant or team: claims completed (their item done) in [starts, ends)."""
    query = (
        select(service_claims.c.registrant_id, service_claims.c.team_id, func.count().label("claims"))
        .join(service_items, service_items.c.id == service_claims.c.item_id)
        .where(
            service_items.c.community_id.in_(sorted(communities)),
            service_claims.c.status == "completed",
            service_claims.c.decided_at >= starts,
            service_claims.c.decided_at < ends,
        )
        .group_by(service_claims.c.registrant_id, service_claims.c.team_id)
    )
    return list(conn.execute(query))


def owners(conn: Connection, communities: Collection[str]) -> tuple[list[AnyRow], list[AnyRow]]:
    """The communities' registrants (id, community, kind, name) and teams (id, community, name)."""
    wanted = sorted(communities)
    people = select(registrants.c.id, registrants.c.community_id, registrants.c.kind, registrants.c.name).where(
        registrants.c.community_id.in_(wanted)
    )
    groups = select(teams.c.id, teams.c.community_id, teams.c.name).where(teams.c.community_id.in_(wanted))
    return list(conn.execute(people)), list(conn.execute(groups))
