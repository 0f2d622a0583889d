"""The full demo district (the seed's size) loads into a real database and routes as the small one does."""

from __future__ import annotations

from datetime import UTC, datetime

from databases import RunDatabase
from sqlalchemy import Engine

from ticketing.db.org_store import load_org
from ticketing.demo import load_demo_org
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.domain.org import PostKind, UnitKind

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai


def test_the_full_district_loads_once_and_routes_outside_compounds(engine: Engine, run_database: RunDatabase) -> None:
    with engine.begin() as conn:
        first = load_demo_org(conn, "full")
    with engine.begin() as conn:
        again = load_demo_org(conn, "full")
        org = load_org(conn).organisation

    assert (first.units.created, first.posts.created, first.staff.created) == (3663, 2880, 3181)
    assert not again.changed
    shop = next(
        u
        for u in org.units.values()
        if u.kind is UnitKind.SHOP and org.units[u.parent_id or ""].kind is UnitKind.SEGMENT
    )
    stall = next(
        u
        for u in org.units.values()
        if u.kind is UnitKind.SHOP and u.parent_id and org.units[u.parent_id].kind is UnitKind.PROPERTY
    )
    service = create_ticketing(Settings(database_url=run_database.url), engine)
    about_shop = service.open_ticket(
        category="shop_complaint", description="占道经营", contact_phone="13806330000", location_id=shop.id, now=NOW
    )
    in_market = service.open_ticket(
        category="shop_complaint", description="缺斤少两", contact_phone="13806330000", location_id=stall.id, now=NOW
    )
    assert about_shop.post_id == org.post_for(PostKind.STREET_LEADER, shop.id).id
    assert in_market.post_id == org.post_for(PostKind.SHOP_LEADER, stall.id).id == f"{stall.parent_id}.shop_leader"
