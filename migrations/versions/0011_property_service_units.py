"""Property service units: a shop holding a shop leader (店长) post becomes a property service unit

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 07:00:00.000000

店长 are the designated property service units (物业服务单位), not every shop:
a shop has no post any more, and requests about it go to its street leader.
A database written before kept its 店长 on shop units; each such unit is the
property service unit it stood for, so it becomes one, with its post and its
tickets unchanged.  The registry version is bumped so running processes reload.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_units = sa.table("units", sa.column("id", sa.String), sa.column("kind", sa.String))
_posts = sa.table("posts", sa.column("unit_id", sa.String), sa.column("kind", sa.String))
_meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))


def upgrade() -> None:
    leaders = sa.select(_posts.c.unit_id).where(_posts.c.kind == "shop_leader")
    changed = op.get_bind().execute(
        sa.update(_units).where(_units.c.kind == "shop", _units.c.id.in_(leaders)).values(kind="property")
    )
    if changed.rowcount:
        _bump_registry_version()


def downgrade() -> None:
    changed = op.get_bind().execute(sa.update(_units).where(_units.c.kind == "property").values(kind="shop"))
    if changed.rowcount:
        _bump_registry_version()


def _bump_registry_version() -> None:
    conn = op.get_bind()
    version = conn.execute(sa.select(_meta.c.value).where(_meta.c.key == "org_version")).scalar()
    if version is not None:
        conn.execute(sa.update(_meta).where(_meta.c.key == "org_version").values(value=str(int(version) + 1)))
