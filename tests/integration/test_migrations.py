"""The migrations build exactly the tables the code declares, on every database."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, insert, select

from ticketing.db.schema import meta, metadata, posts, staff, units
from ticketing.deploy.migrate import is_current, upgrade
from ticketing.deploy.resources import MIGRATIONS


def test_the_migrated_schema_matches_the_declared_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    assert is_current(engine)
    upgrade(engine)  # upgrading a current database is a no-op
    assert is_current(engine)


def test_a_shop_holding_a_shop_leader_post_becomes_a_property_service_unit(engine: Engine) -> None:
    """店长 are property service units: an older database's shops with a 店长 post become such units; others stay."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
        conn.execute(insert(meta).values(key="org_version", value="4"))
        conn.execute(
            insert(units),
            [
                {"id": "G1", "kind": "grid", "name": "第一网格", "parent_id": None},
                {"id": "P1", "kind": "shop", "name": "农贸市场物业服务中心", "parent_id": "G1"},
                {"id": "P2", "kind": "shop", "name": "便民超市", "parent_id": "G1"},
            ],
        )
        conn.execute(insert(staff), [{"id": "S1", "name": "王伟"}, {"id": "S2", "name": "李娜"}])
        conn.execute(
            insert(posts).values(id="P1.shop_leader", kind="shop_leader", unit_id="P1", holder_a="S1", holder_b="S2")
        )
    upgrade(engine)
    with engine.connect() as conn:
        kinds = {row.id: row.kind for row in conn.execute(select(units.c.id, units.c.kind))}
        version = conn.execute(select(meta.c.value).where(meta.c.key == "org_version")).scalar()
    assert kinds == {"G1": "grid", "P1": "property", "P2": "shop"}
    assert version == "5"  # running processes reload the registry
