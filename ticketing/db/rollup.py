"""The rates' daily roll-up (``daily_counts``): what each ticket adds to the counts of its day and grid.

A ticket adds one to each count whose term it meets (``terms``: the rate
base of ``ticketing.domain.rates`` in SQL) on the row of its ``opened_on``
day and its street, community and grid.  Triggers on ``tickets`` keep the rows
in the transaction that writes the ticket, whichever path writes it (an
action, the sweep's batches, a bulk load, a restore): an insert adds the
ticket's terms, a delete takes them away, an update that changes a column the
terms read takes the old ones away and adds the new.  An update touching none
of them (an escalation, a note) does not fire.  The triggers are generated
here from the same terms as the rebuild, for each database.
"""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Connection,
    Dialect,
    and_,
    case,
    column,
    delete,
    false,
    func,
    insert,
    literal,
    select,
    table,
    true,
)
from sqlalchemy.sql.base import ReadOnlyColumnCollection

from ticketing.db.schema import RATE_COUNTS, daily_counts, tickets
from ticketing.domain.guards import Satisfaction
from ticketing.domain.ticket import RETURNED, TERMINATED, CallbackMeans

UNITS = ("street_id", "community_id", "grid_id")
# The ticket columns the terms and the row's key read: an update changing none of them leaves the roll-up as it is.
READ = ("opened_on", *UNITS, "state", "satisfaction", "acknowledged_at", "ack_late", "solved", "callback_means")
_FUNCTION = "tickets_daily_counts"
_TRIGGERS = ("tickets_daily_counts_insert", "tickets_daily_counts_update", "tickets_daily_counts_delete")


def terms(c: ReadOnlyColumnCollection[str, ColumnElement[object]]) -> tuple[ColumnElement[bool], ...]:
    """The conditions of ``RateCounts``' fields in order, over columns named like the tickets'."""
    kept = c.state.not_in((RETURNED, TERMINATED))
    base = and_(kept, c.satisfaction.is_not(None))
    return (
        base,
        and_(base, c.acknowledged_at.is_not(None), c.ack_late == false()),
        and_(base, c.satisfaction == Satisfaction.SATISFIED.value),
        and_(base, c.satisfaction == Satisfaction.BASICALLY_SATISFIED.value),
        and_(base, c.solved == true()),
        and_(base, c.callback_means == CallbackMeans.PHONE.value),
        and_(base, c.callback_means == CallbackMeans.LINK.value),
        and_(base, c.callback_means == CallbackMeans.VISIT.value),
        and_(kept, c.callback_means == CallbackMeans.NONE.value),
        c.state == TERMINATED,
        c.state == RETURNED,
    )


def rebuild(conn: Connection) -> int:
    """Recompute every row from the tickets (after a restore from elsewhere, or to check the triggers); rows made."""
    c = tickets.c
    keys = (c.opened_on, *(func.coalesce(c[name], "") for name in UNITS))
    sums = (func.sum(case((term, 1), else_=0)) for term in terms(c))
    conn.execute(delete(daily_counts))
    grouped = select(*keys, *sums).group_by(*keys)
    conn.execute(insert(daily_counts).from_select(["day", *UNITS, *RATE_COUNTS], grouped))
    return conn.execute(select(func.count()).select_from(daily_counts)).scalar_one()


def create_triggers(conn: Connection) -> None:
    for statement in _trigger_ddl(conn.dialect):
        conn.exec_driver_sql(statement)


def drop_triggers(conn: Connection) -> None:
    postgresql = conn.dialect.name == "postgresql"
    for name in _TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}" + (" ON tickets" if postgresql else ""))
    if postgresql:
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")


def _trigger_ddl(dialect: Dialect) -> list[str]:
    changed = " OR ".join(
        f"old.{name} IS {'DISTINCT FROM' if dialect.name == 'postgresql' else 'NOT'} new.{name}" for name in READ
    )
    if dialect.name == "postgresql":
        body = (
            "BEGIN\n"
            f"  IF TG_OP IN ('UPDATE', 'DELETE') THEN {_upsert(dialect, 'old', -1)}; END IF;\n"
            f"  IF TG_OP IN ('UPDATE', 'INSERT') THEN {_upsert(dialect, 'new', 1)}; END IF;\n"
            "  RETURN NULL;\n"
            "END"
        )
        run = f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()"
        return [
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $rollup$\n{body}\n$rollup$",
            f"CREATE TRIGGER {_TRIGGERS[0]} AFTER INSERT ON tickets {run}",
            f"CREATE TRIGGER {_TRIGGERS[1]} AFTER UPDATE ON tickets FOR EACH ROW WHEN ({changed}) "
            f"EXECUTE FUNCTION {_FUNCTION}()",
            f"CREATE TRIGGER {_TRIGGERS[2]} AFTER DELETE ON tickets {run}",
        ]
    return [
        f"CREATE TRIGGER {_TRIGGERS[0]} AFTER INSERT ON tickets BEGIN {_upsert(dialect, 'new', 1)}; END",
        f"CREATE TRIGGER {_TRIGGERS[1]} AFTER UPDATE ON tickets WHEN {changed} BEGIN "
        f"{_upsert(dialect, 'old', -1)}; {_upsert(dialect, 'new', 1)}; END",
        f"CREATE TRIGGER {_TRIGGERS[2]} AFTER DELETE ON tickets BEGIN {_upsert(dialect, 'old', -1)}; END",
    ]


def _upsert(dialect: Dialect, row: str, sign: int) -> str:
    """Add (``sign`` 1) or take away (-1) the terms of the trigger's ``new`` or ``old`` row on its day's row."""
    ticket = table(row, *(column(each.name, each.type) for each in tickets.c)).c
    values = [
        ticket.opened_on,
        *(func.coalesce(ticket[name], "") for name in UNITS),
        *(case((term, literal(sign)), else_=literal(0)) for term in terms(ticket)),
    ]
    rendered = ", ".join(
        str(value.compile(dialect=dialect, compile_kwargs={"literal_binds": True})) for value in values
    )
    key = ", ".join(("day", *UNITS))
    added = ", ".join(f"{name} = daily_counts.{name} + excluded.{name}" for name in RATE_COUNTS)
    return (
        f"INSERT INTO daily_counts ({key}, {', '.join(RATE_COUNTS)}) VALUES ({rendered}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {added}"
    )
