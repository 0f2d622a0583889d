"""The rates' daily roll-up (``daily_counts``): what each ticket adds to the counts of its day and grid.

A ticket adds one to each count whose term it meets (``terms``: the rate
base of ``ticketing.domain.rates`` in SQL) on the row of its ``opened_on``
day and its street, community and grid.  Triggers on ``tickets`` record it
in the transaction that writes the ticket, whichever path writes it (an
action, the sweep's batches, a bulk load, a restore): an insert adds the
ticket's terms, a delete takes them away, an update that changes a column the
terms read takes the old ones away and adds the new; an update touching none
of them (a note, a hand-over) does not fire, nor a write to a ticket that meets
no term before or after it (an open ticket): intake and escalations never do.
They append these changes to ``daily_count_changes`` rather than update a
day's row: writers of the same
grid and day would otherwise queue on that row, and deadlock when two batches
reach two rows in opposite orders.  ``fold`` moves the changes into
``daily_counts`` (the sweep calls it); a reader sums both.  The triggers are
generated here from the same terms as the rebuild, for each database.
"""

from __future__ import annotations

from typing import Any

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
    or_,
    select,
    table,
    true,
)
from sqlalchemy.sql.base import ReadOnlyColumnCollection

from ticketing.db.schema import RATE_COUNTS, daily_count_changes, daily_counts, tickets
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
    conn.execute(delete(daily_count_changes))
    grouped = select(*keys, *sums).where(or_(*terms(c))).group_by(*keys)  # as the triggers: counted tickets only
    conn.execute(insert(daily_counts).from_select(["day", *UNITS, *RATE_COUNTS], grouped))
    return conn.execute(select(func.count()).select_from(daily_counts)).scalar_one()


def fold(conn: Connection) -> None:
    """Move the recorded changes into the days' rows, in the caller's transaction.

    Each change is taken by one folder only (PostgreSQL: ``DELETE … RETURNING``, which a second folder
    waits on and then skips; SQLite: the write lock), and the days' rows are updated in key order, so two
    sweeps folding at once wait for one another instead of deadlocking.
    """
    key = ", ".join(("day", *UNITS))
    sums = ", ".join(f"sum({name})" for name in RATE_COUNTS)
    added = ", ".join(f"{name} = daily_counts.{name} + excluded.{name}" for name in RATE_COUNTS)
    into = f"INSERT INTO daily_counts ({key}, {', '.join(RATE_COUNTS)})"
    upsert = f"ON CONFLICT ({key}) DO UPDATE SET {added}"
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"WITH moved AS (DELETE FROM daily_count_changes RETURNING *) "
            f"{into} SELECT {key}, {sums} FROM moved GROUP BY {key} ORDER BY {key} {upsert}"
        )
        return
    last = conn.execute(select(func.max(daily_count_changes.c.id))).scalar()
    if last is None:
        return
    taken = f"FROM daily_count_changes WHERE id <= {int(last)}"
    conn.exec_driver_sql(f"{into} SELECT {key}, {sums} {taken} GROUP BY {key} ORDER BY {key} {upsert}")
    conn.exec_driver_sql(f"DELETE {taken}")


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
    """Triggers firing only for rows that count (``_counts``): most writes are to open tickets, which count nowhere."""
    differs = " OR ".join(
        f"old.{name} IS {'DISTINCT FROM' if dialect.name == 'postgresql' else 'NOT'} new.{name}" for name in READ
    )
    old, new = _counts(dialect, "old"), _counts(dialect, "new")
    changed = f"({differs}) AND ({old} OR {new})"
    if dialect.name == "postgresql":
        body = (
            "BEGIN\n"
            f"  IF TG_OP IN ('UPDATE', 'DELETE') THEN {_record(dialect, 'old', -1)}; END IF;\n"
            f"  IF TG_OP IN ('UPDATE', 'INSERT') THEN {_record(dialect, 'new', 1)}; END IF;\n"
            "  RETURN NULL;\n"
            "END"
        )
        run = f"EXECUTE FUNCTION {_FUNCTION}()"
        return [
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $rollup$\n{body}\n$rollup$",
            f"CREATE TRIGGER {_TRIGGERS[0]} AFTER INSERT ON tickets FOR EACH ROW WHEN ({new}) {run}",
            f"CREATE TRIGGER {_TRIGGERS[1]} AFTER UPDATE ON tickets FOR EACH ROW WHEN ({changed}) {run}",
            f"CREATE TRIGGER {_TRIGGERS[2]} AFTER DELETE ON tickets FOR EACH ROW WHEN ({old}) {run}",
        ]
    return [
        f"CREATE TRIGGER {_TRIGGERS[0]} AFTER INSERT ON tickets WHEN {new} BEGIN {_record(dialect, 'new', 1)}; END",
        f"CREATE TRIGGER {_TRIGGERS[1]} AFTER UPDATE ON tickets WHEN {changed} BEGIN "
        f"{_record(dialect, 'old', -1)}; {_record(dialect, 'new', 1)}; END",
        f"CREATE TRIGGER {_TRIGGERS[2]} AFTER DELETE ON tickets WHEN {old} BEGIN {_record(dialect, 'old', -1)}; END",
    ]


def _ticket_row(row: str) -> ReadOnlyColumnCollection[str, ColumnElement[object]]:
    """The trigger's ``old`` or ``new`` row, as columns named like the tickets'."""
    return table(row, *(column(each.name, each.type) for each in tickets.c)).c


def _sql(dialect: Dialect, value: ColumnElement[Any]) -> str:
    return str(value.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _counts(dialect: Dialect, row: str) -> str:
    """Whether the ``old`` or ``new`` row meets any term: an open ticket (no rating, not returned) meets none."""
    return f"({_sql(dialect, or_(*terms(_ticket_row(row))))})"


def _record(dialect: Dialect, row: str, sign: int) -> str:
    """Append what the trigger's ``new`` (``sign`` 1) or ``old`` row (-1) adds to its day's counts."""
    ticket = _ticket_row(row)
    values = [
        ticket.opened_on,
        *(func.coalesce(ticket[name], "") for name in UNITS),
        *(case((term, literal(sign)), else_=literal(0)) for term in terms(ticket)),
    ]
    rendered = ", ".join(_sql(dialect, value) for value in values)
    return f"INSERT INTO daily_count_changes ({', '.join(('day', *UNITS, *RATE_COUNTS))}) VALUES ({rendered})"
