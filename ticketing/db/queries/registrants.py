"""The community staff's lists of 双报到 registrations and volunteer teams (``ticketing.read.registrants``)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import ColumnElement, Connection, and_, case, func, select

from ticketing.db.rows import AnyRow
from ticketing.db.schema import registrants, service_claims, service_items, service_records, team_members
from ticketing.db.schema import volunteer_teams as teams


def _filtered(communities: Collection[str], kind: str | None, status: str | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [registrants.c.community_id.in_(sorted(communities))]
    if kind:
        where.append(registrants.c.kind == kind)
    if status:
        where.append(registrants.c.status == status)
    return where


def count_registrants(conn: Connection, communities: Collection[str], kind: str | None, status: str | None) -> int:
    query = select(func.count()).select_from(registrants).where(*_filtered(communities, kind, status))
    return conn.execute(query).scalar_one()


def registrants_slice(
    conn: Connection, communities: Collection[str], kind: str | None, status: str | None, limit: int, offset: int
) -> list[AnyRow]:
    """A slice of the registrations: pending first, then newest first."""
    pending_first = case((registrants.c.status == "pending", 0), else_=1)
    query = (
        select(registrants)
        .where(*_filtered(communities, kind, status))
        .order_by(pending_first, registrants.c.registered_at.desc(), registrants.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(conn.execute(query))


def claims_of_registrant(conn: Connection, registrant_id: int) -> list[AnyRow]:
    """The registrant's own claims, newest first, with the item's title and kind."""
    query = (
        select(service_claims, service_items.c.title, service_items.c.kind.label("item_kind"))
        .join(service_items, service_items.c.id == service_claims.c.item_id)
        .where(service_claims.c.registrant_id == registrant_id)
        .order_by(service_claims.c.id.desc())
    )
    return list(conn.execute(query))


def approved_members(conn: Connection, community_id: str) -> list[AnyRow]:
    """The community's approved in-service party members (who may be in a team), by name."""
    query = (
        select(registrants.c.id, registrants.c.name, registrants.c.work_unit)
        .where(
            registrants.c.community_id == community_id,
            registrants.c.kind == "member",
            registrants.c.status == "approved",
        )
        .order_by(registrants.c.name, registrants.c.id)
    )
    return list(conn.execute(query))


def names(conn: Connection, registrant_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(registrant_ids))
    if not wanted:
        return {}
    query = select(registrants.c.id, registrants.c.name).where(registrants.c.id.in_(wanted))
    return {row.id: row.name for row in conn.execute(query)}


def teams_of(conn: Connection, communities: Collection[str], team_id: int | None = None) -> list[AnyRow]:
    """Teams with their leader's name, members count and person-minutes served; active first, by name."""
    members = (
        select(team_members.c.team_id, func.count().label("members"))
        .group_by(team_members.c.team_id)
        .subquery("members")
    )
    served = (
        select(
            service_records.c.team_id,
            func.sum(service_records.c.minutes * service_records.c.people).label("person_minutes"),
        )
        .where(service_records.c.team_id.is_not(None))
        .group_by(service_records.c.team_id)
        .subquery("served")
    )
    leader = registrants.alias("leader")
    query = (
        select(
            teams,
            leader.c.name.label("leader_name"),
            func.coalesce(members.c.members, 0).label("members"),
            func.coalesce(served.c.person_minutes, 0).label("person_minutes"),
        )
        .outerjoin(leader, leader.c.id == teams.c.leader_id)
        .outerjoin(members, members.c.team_id == teams.c.id)
        .outerjoin(served, served.c.team_id == teams.c.id)
        .where(teams.c.community_id.in_(sorted(communities)))
        .order_by(teams.c.disbanded_at.is_not(None), teams.c.name, teams.c.id)
    )
    if team_id is not None:
        query = query.where(teams.c.id == team_id)
    return list(conn.execute(query))


def members_of_team(conn: Connection, team_id: int) -> list[AnyRow]:
    query = (
        select(registrants.c.id, registrants.c.name, registrants.c.phone, registrants.c.work_unit)
        .join(team_members, and_(team_members.c.registrant_id == registrants.c.id, team_members.c.team_id == team_id))
        .order_by(registrants.c.name, registrants.c.id)
    )
    return list(conn.execute(query))
