"""Small counters in the ``meta`` table: cache versions of the registry and absences."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, insert, select, update

from ticketing.db.schema import meta

_VERSIONS = select(meta.c.key, meta.c.value).where(meta.c.key.in_(bindparam("keys", expanding=True)))


def get_int(conn: Connection, key: str) -> int:
    value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()
    return int(value) if value is not None else 0


def versions(conn: Connection, keys: tuple[str, ...]) -> tuple[int, ...]:
    """Several counters in one round trip (checked by every transaction: the statement is built once)."""
    found = {key: value for key, value in conn.execute(_VERSIONS, {"keys": list(keys)})}
    return tuple(int(found.get(key, 0)) for key in keys)


def bump(conn: Connection, key: str) -> int:
    """Increment a counter (creating it at 1) and return the new value."""
    value = get_int(conn, key) + 1
    if value == 1:
        conn.execute(insert(meta).values(key=key, value="1"))
    else:
        conn.execute(update(meta).where(meta.c.key == key).values(value=str(value)))
    return value
