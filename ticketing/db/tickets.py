"""Tickets, their history, deadlines and notices in the database (SQLAlchemy Core).

Writes follow one lock order everywhere — the ticket's pending deadline first,
then the ticket row — so a user action and a sweep never deadlock on
PostgreSQL; the ticket row's ``version`` makes a stale write fail instead of
overwriting.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from enum import Enum
from functools import cache
from itertools import compress
from operator import attrgetter, itemgetter, ne
from typing import Any

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    Table,
    TextClause,
    Update,
    any_,
    bindparam,
    func,
    insert,
    literal,
    select,
    text,
    true,
    update,
)

from ticketing.db.rows import AnyRow
from ticketing.db.schema import (
    OPEN,
    attachments,
    counters,
    deadlines,
    history,
    meta,
    notifications,
    ticket_joins,
    tickets,
)
from ticketing.domain.cooperation import Joined
from ticketing.domain.errors import Conflict, NotFound
from ticketing.domain.field_rules import MAX_ID
from ticketing.domain.ticket import (
    CallbackMeans,
    Channel,
    HistoryAction,
    HistoryEntry,
    Outcome,
    ResidentChannel,
    Ticket,
    TicketDetail,
    Timer,
    TimerKind,
)
from ticketing.domain.workflow import Clock

PENDING, DONE, CANCELLED = "pending", "done", "cancelled"
TICKET_FIELDS = tuple(f.name for f in fields(Ticket) if f.name != "joined")  # the joined posts have their own table
_READ_FIELDS = attrgetter(*TICKET_FIELDS)  # one C-level call for every field: the sweep reads each ticket twice
_ROW_FIELDS = itemgetter(*TICKET_FIELDS)  # a row's values in the dataclass's field order, one C-level call
_CHANNEL, _NOTIFY_BY, _CALLBACK_MEANS, _CLOCK, _PAUSED_CLOCK = (
    TICKET_FIELDS.index(name) for name in ("channel", "notify_by", "callback_means", "clock", "paused_clock")
)
_ID = re.compile(r"[0-9]{1,10}")
_NUMBER = re.compile(r"[0-9]{6}-[0-9]{6,12}")  # a tracking number, 261127-000001

_NEXT_TICKET_ID = update(counters).where(counters.c.name == "ticket").values(value=counters.c.value + 1)
_CANCEL_PENDING_OF_ONE = (
    update(deadlines)
    .where(deadlines.c.ticket_id == bindparam("p_ticket_id"), deadlines.c.status == PENDING)
    .values(status=CANCELLED)
)


def next_ticket_id(conn: Connection, version_keys: tuple[str, ...]) -> tuple[int, tuple[int, ...]]:
    """Take the next ticket number from the counter row (locked until commit), and read these ``meta`` versions.

    One statement: an intake checks the versions of its cached registry here rather than in a round trip
    of its own.
    """
    row = conn.execute(_numbering(version_keys)).one()
    return row[0], tuple(int(value or 0) for value in row[1:])


@cache
def _numbering(version_keys: tuple[str, ...]) -> Update:
    found = [select(meta.c.value).where(meta.c.key == key).scalar_subquery() for key in version_keys]
    return _NEXT_TICKET_ID.returning(counters.c.value, *found)


def counter_values(conn: Connection) -> dict[str, int]:
    """Every counter's value: the numbers handed out so far (a restore must never lower them)."""
    return {name: value for name, value in conn.execute(select(counters.c.name, counters.c.value))}


def to_ticket(row: AnyRow) -> Ticket:
    """The ticket of a row; its fields taken by position, as the sweep builds hundreds per batch."""
    values = list(_ROW_FIELDS(row._mapping))  # every field but the last, joined, which has its own table
    values[_CHANNEL] = Channel(values[_CHANNEL])
    values[_NOTIFY_BY] = ResidentChannel(values[_NOTIFY_BY])
    values[_CALLBACK_MEANS] = CallbackMeans(values[_CALLBACK_MEANS]) if values[_CALLBACK_MEANS] else None
    for index in (_CLOCK, _PAUSED_CLOCK):
        values[index] = Clock(values[index]) if values[index] else None
    return Ticket(*values)


def ticket_values(ticket: Ticket) -> dict[str, Any]:
    return dict(zip(TICKET_FIELDS, _READ_FIELDS(ticket), strict=True))


def get(conn: Connection, key: str | int, for_update: bool = False) -> Ticket:
    """A ticket by tracking number or id; NotFound names what was asked for (a key of no possible ticket too)."""
    where = _key_condition(key)
    row = None
    if where is not None:
        query = select(tickets).where(where)
        row = conn.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound("no ticket %(key)r: give a tracking number such as 261127-000001", key=key)
    ticket = to_ticket(row)
    ticket.joined = joins_of(conn, [ticket.id]).get(ticket.id, ())
    return ticket


def joins_of(conn: Connection, ticket_ids: Sequence[int]) -> dict[int, tuple[Joined, ...]]:
    """The posts working on each of these tickets (协同) and not yet released, in the order they were invited."""
    if not ticket_ids:
        return {}
    c = ticket_joins.c
    query = (
        select(c.ticket_id, c.post_id, c.invited_by, c.invited_at, c.reason)
        .where(_among(conn, c.ticket_id, ticket_ids), c.released_at.is_(None))
        .order_by(c.id)
    )
    found: dict[int, tuple[Joined, ...]] = {}
    for row in conn.execute(query):
        found[row.ticket_id] = (
            *found.get(row.ticket_id, ()),
            Joined(row.post_id, row.invited_by, row.invited_at, row.reason),
        )
    return found


def _key_condition(key: str | int) -> ColumnElement[bool] | None:
    """``id = key`` for an id in range, ``number = key`` for a tracking number's shape, else None."""
    if isinstance(key, int):
        return tickets.c.id == key if 0 < key <= MAX_ID else None
    if _ID.fullmatch(key):
        return tickets.c.id == int(key) if 0 < int(key) <= MAX_ID else None
    return tickets.c.number == key if _NUMBER.fullmatch(key) else None


def get_many(conn: Connection, ids: Sequence[int], for_update: bool = False) -> dict[int, Ticket]:
    query = select(tickets).where(_among(conn, tickets.c.id, ids))
    if for_update:
        query = query.with_for_update()
    return {row.id: to_ticket(row) for row in conn.execute(query)}


def insert_ticket(conn: Connection, ticket: Ticket, outcome: Outcome, token_hash: str | None = None) -> None:
    """Write an opened ticket and what its opening planned.

    On PostgreSQL the ticket, its history, timers and notices go in as one
    statement (the other tables' inserts as ``WITH`` clauses): one round trip
    instead of four, which is most of an intake's time on a database over the
    network.  The foreign keys are checked at the end of the statement, when the
    ticket row is there.
    """
    row = ticket_values(ticket) | {"access_token_hash": token_hash}
    if conn.dialect.name != "postgresql" or outcome.invited or outcome.released:
        conn.execute(insert(tickets), row)
        _write_effects(conn, [(ticket, outcome)])
        return
    effects = _effect_rows([(ticket, outcome)])
    shape = tuple((tuple(rows[0]), len(rows)) if rows else ((), 0) for rows in effects)
    params = {f"t_{name}": value for name, value in row.items()}
    for table, rows in zip(EFFECT_TABLES, effects, strict=True):
        params |= {f"{table.name}{i}_{name}": value for i, values in enumerate(rows) for name, value in values.items()}
    conn.execute(_insert_with_effects(tuple(row), shape), params)


@cache
def _insert_with_effects(names: tuple[str, ...], shape: tuple[tuple[tuple[str, ...], int], ...]) -> TextClause:
    """The one-statement intake for a ticket row and effect rows of this shape, built once.

    Written as text with typed parameters: SQLAlchemy does not cache the compiled
    form of an INSERT with DML ``WITH`` clauses, and compiling it took longer
    than the round trips it saves.
    """
    binds: list[BindParameter[Any]] = []

    def values(table: Table, prefix: str, columns: Sequence[str]) -> str:
        binds.extend(bindparam(f"{prefix}_{name}", type_=table.c[name].type) for name in columns)
        return "(" + ", ".join(f":{prefix}_{name}" for name in columns) + ")"

    effects = [
        f"e_{table.name} AS (INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
        + ", ".join(values(table, f"{table.name}{i}", columns) for i in range(count))
        + ")"
        for table, (columns, count) in zip(EFFECT_TABLES, shape, strict=True)
        if count
    ]
    ticket = f"INSERT INTO tickets ({', '.join(names)}) VALUES {values(tickets, 't', names)}"
    return text(f"WITH {', '.join(effects)} {ticket}" if effects else ticket).bindparams(*binds)


def token_hash(access_token: str) -> str:
    """What is stored of a private-link token: its SHA-256, so a leaked table reveals no links."""
    return hashlib.sha256(access_token.encode()).hexdigest()


def get_by_token(conn: Connection, access_token: str) -> Ticket:
    row = conn.execute(select(tickets).where(tickets.c.access_token_hash == token_hash(access_token))).first()
    if row is None:
        raise NotFound("this link does not lead to a request: check it was copied whole")
    return to_ticket(row)


def detail(conn: Connection, ticket: Ticket) -> TicketDetail:
    return TicketDetail(ticket, history_of(conn, ticket.id))


def save(conn: Connection, ticket: Ticket, expected_version: int, outcome: Outcome) -> None:
    """Write an action's result, or raise Conflict if the ticket changed since it was read."""
    if outcome.deadline_changed:
        _cancel_pending(conn, [ticket.id])
    values = ticket_values(ticket) | {"version": expected_version + 1}
    result = conn.execute(
        update(tickets).where(tickets.c.id == ticket.id, tickets.c.version == expected_version).values(values)
    )
    if result.rowcount != 1:
        current = conn.execute(select(tickets.c.version, tickets.c.state).where(tickets.c.id == ticket.id)).one()
        raise Conflict(
            "someone else changed ticket %(number)s (now version %(version)s, state %(state)s) "
            "after you read version %(expected)s; reload it and try again",
            number=ticket.number,
            version=current.version,
            state=current.state,
            expected=expected_version,
        )
    ticket.version = expected_version + 1
    _write_effects(conn, [(ticket, outcome)])


def snapshot(conn: Connection, found: Iterable[Ticket]) -> dict[int, tuple[Any, ...]]:
    """The tickets' values as read (in ``TICKET_FIELDS`` order), for ``save_many`` to write only what changed."""
    return {ticket.id: _READ_FIELDS(ticket) for ticket in found}


def save_many(
    conn: Connection, changed: Sequence[tuple[Ticket, Outcome]], read: Mapping[int, Sequence[Any]] | None = None
) -> None:
    """Write many tickets already locked by this transaction (the sweep).

    With ``read`` (each ticket's ``snapshot`` as it was read) only the columns
    that changed are written: fewer parameters, a narrower copied table, and on
    SQLite fewer index entries rewritten; without it every column is.  On
    PostgreSQL several tickets go through a copied table (``_update_by_copy``),
    which holds the columns any of them changed.
    """
    if not changed:
        return
    _cancel_pending(conn, [t.id for t, outcome in changed if outcome.deadline_changed])
    rows = []
    for ticket, _ in changed:
        ticket.version += 1
        values = _READ_FIELDS(ticket)
        before = read.get(ticket.id) if read is not None else None
        rows.append((values, _ALL_COLUMNS if before is None else _changed_columns(values, before)))
    if conn.dialect.name == "postgresql" and len(rows) > 1:
        columns = tuple(sorted(set().union(*(names for _, names in rows))))
        _update_by_copy(conn, columns, [values for values, _ in rows])
    else:
        by_columns: dict[tuple[int, ...], list[dict[str, Any]]] = {}
        for values, names in rows:
            by_columns.setdefault(names, []).append({f"p_{TICKET_FIELDS[i]}": values[i] for i in (0, *names)})
        for names, params in by_columns.items():
            conn.execute(_update_columns(tuple(TICKET_FIELDS[i] for i in names)), params)
    _write_effects(conn, changed)


_ALL_COLUMNS = tuple(range(1, len(TICKET_FIELDS)))  # positions in TICKET_FIELDS; 0 is the id, never written


def _changed_columns(values: Sequence[Any], before: Sequence[Any]) -> tuple[int, ...]:
    """The positions (in ``TICKET_FIELDS``) whose value differs from what was read (compared in C, not a loop)."""
    return tuple(compress(_ALL_COLUMNS, map(ne, values[1:], before[1:])))


def _update_by_copy(conn: Connection, columns: tuple[int, ...], changed: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL: copy the tickets' ids and ``columns`` into a temporary table, then one ``UPDATE … FROM`` it.

    An executemany would be a statement per ticket.  The temporary table lives on the
    connection and empties at commit; its name carries its columns, so a connection
    opened before a migration never writes through a stale shape, and each set of
    columns the sweep writes (a handover's, an escalation's) keeps its own table.
    """
    create, copy_into, update_from = _copy_statements(tuple(TICKET_FIELDS[i] for i in columns))
    conn.exec_driver_sql(create)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(copy_into) as copy:
        for values in changed:
            row = [values[0]]
            for i in columns:
                value = values[i]
                row.append(value.value if isinstance(value, Enum) else value)
            copy.write_row(row)
    conn.exec_driver_sql(update_from)


@cache
def _copy_statements(names: tuple[str, ...]) -> tuple[str, str, str]:
    """Create the temporary table of these columns, copy into it, update the tickets from it."""
    table = "ticket_rows_" + hashlib.sha256(" ".join(names).encode()).hexdigest()[:12]
    listed = ", ".join(("id", *names))
    return (
        f"CREATE TEMP TABLE IF NOT EXISTS {table} ON COMMIT DELETE ROWS AS SELECT {listed} FROM tickets WITH NO DATA",
        f"COPY {table} ({listed}) FROM STDIN",
        f"UPDATE tickets SET {', '.join(f'{name} = s.{name}' for name in names)} FROM {table} AS s "
        "WHERE tickets.id = s.id",
    )


@cache
def _update_columns(names: tuple[str, ...]) -> Update:
    return update(tickets).where(tickets.c.id == bindparam("p_id")).values({n: bindparam(f"p_{n}") for n in names})


def _cancel_pending(conn: Connection, ticket_ids: Sequence[int]) -> None:
    if not ticket_ids:
        return
    if conn.dialect.name == "sqlite":
        # Without ANALYZE statistics SQLite answers "ticket_id IN (…) AND status = 'pending'" from the status
        # index, reading every pending deadline; one equality per ticket uses the ticket_id index instead.
        conn.execute(_CANCEL_PENDING_OF_ONE, [{"p_ticket_id": ticket_id} for ticket_id in ticket_ids])
        return
    conn.execute(
        update(deadlines)
        .where(_among(conn, deadlines.c.ticket_id, ticket_ids), deadlines.c.status == PENDING)
        .values(status=CANCELLED)
    )


def record_effects(conn: Connection, noted: Sequence[tuple[Ticket, Outcome]], at: datetime) -> None:
    """Write the history, notices and next timer of outcomes that left their tickets unchanged (reminders)."""
    _write_effects(conn, noted, at)


def _write_effects(conn: Connection, changed: Sequence[tuple[Ticket, Outcome]], at: datetime | None = None) -> None:
    """History, the timers the outcomes planned, and the outbox, in the caller's transaction."""
    for table, rows in zip(EFFECT_TABLES, _effect_rows(changed, at), strict=True):
        _insert_rows(conn, table, rows)
    for ticket, outcome in changed:
        _write_joins(conn, ticket.id, outcome)


EFFECT_TABLES = (history, deadlines, notifications)


def _effect_rows(
    changed: Iterable[tuple[Ticket, Outcome]], at: datetime | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of ``EFFECT_TABLES`` that outcomes add: history entries, timers, notices."""
    entries: list[dict[str, Any]] = []
    due: list[dict[str, Any]] = []
    notices: list[dict[str, Any]] = []
    for ticket, outcome in changed:
        entries += [_history_values(ticket.id, entry) for entry in outcome.entries]
        due += [_timer_values(ticket, timer) for timer in outcome.timers]
        created = at or ticket.updated_at
        notices += [
            {
                "ticket_id": ticket.id,
                "recipient_id": n.recipient_id,
                "event": n.event.value,
                "created_at": created,
                "idempotency_key": uuid.uuid4().hex,
                "next_attempt_at": created,
            }
            for n in outcome.notices
        ]
    return entries, due, notices


def _write_joins(conn: Connection, ticket_id: int, outcome: Outcome) -> None:
    """Posts that joined the ticket (协同) get a row; a released one's row is closed, kept for the record."""
    c = ticket_joins.c
    for joined in outcome.invited:
        values = {"post_id": joined.post_id, "invited_by": joined.invited_by, "reason": joined.reason}
        conn.execute(insert(ticket_joins).values(ticket_id=ticket_id, invited_at=joined.invited_at, **values))
    for ended in outcome.released:
        conn.execute(
            update(ticket_joins)
            .where(c.ticket_id == ticket_id, c.post_id == ended.post_id, c.released_at.is_(None))
            .values(released_by=ended.released_by, released_at=ended.released_at)
        )


def _insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows that all name the same columns.

    On PostgreSQL several rows go in by ``COPY``: psycopg sends an executemany as
    one statement per row, which made the sweep's writes a round of statements per
    timer.  The copy runs on the same connection, inside the caller's transaction;
    a JSON column's value (a history line's details) goes in as its JSON text.
    """
    if not rows:
        return
    if conn.dialect.name == "postgresql" and len(rows) > 1:
        names = tuple(rows[0])
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row[name]) if isinstance(row[name], dict) else row[name] for name in names])
        return
    conn.execute(insert(table), rows)


def _timer_values(ticket: Ticket, timer: Timer) -> dict[str, Any]:
    return {
        "ticket_id": ticket.id,
        "kind": timer.kind.value,
        "clock": timer.clock.value if timer.clock else None,
        "step": timer.step,
        "tier": ticket.tier,
        "due_at": timer.at,
        "status": PENDING,
    }


def to_timer(row: AnyRow) -> Timer:
    return Timer(TimerKind(row.kind), Clock(row.clock) if row.clock else None, row.due_at, row.step)


_HISTORY_FIELDS = tuple(f.name for f in fields(HistoryEntry))
_READ_HISTORY = attrgetter(*_HISTORY_FIELDS)


def _history_values(ticket_id: int, entry: HistoryEntry) -> dict[str, Any]:
    values = dict(zip(_HISTORY_FIELDS, _READ_HISTORY(entry), strict=True))
    return {"ticket_id": ticket_id} | values | {"details": dict(entry.details)}


def history_of(conn: Connection, ticket_id: int) -> list[HistoryEntry]:
    rows = conn.execute(select(history).where(history.c.ticket_id == ticket_id).order_by(history.c.id))
    return [history_entry(row) for row in rows]


def history_entry(row: AnyRow) -> HistoryEntry:
    values = {f.name: getattr(row, f.name) for f in fields(HistoryEntry)}
    return HistoryEntry(**values | {"action": HistoryAction(row.action), "details": dict(row.details or {})})


def claim_due(conn: Connection, now: datetime, limit: int) -> list[AnyRow]:
    """Claim due deadlines: locked rows other sweeps skip (PostgreSQL); SQLite's BEGIN IMMEDIATE serialises."""
    query = (
        select(
            deadlines.c.id,
            deadlines.c.ticket_id,
            deadlines.c.kind,
            deadlines.c.clock,
            deadlines.c.step,
            deadlines.c.tier,
            deadlines.c.due_at,
        )
        .where(deadlines.c.status == PENDING, deadlines.c.due_at <= now)
        .order_by(deadlines.c.due_at, deadlines.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(conn.execute(query))


def mark_fired(conn: Connection, deadline_ids: Sequence[int], now: datetime) -> None:
    if deadline_ids:
        marked = update(deadlines).where(_among(conn, deadlines.c.id, deadline_ids))
        conn.execute(marked.values(status=DONE, fired_at=now))


def count_pending_due(conn: Connection, now: datetime) -> int:
    query = select(func.count()).where(deadlines.c.status == PENDING, deadlines.c.due_at <= now)
    return conn.execute(query).scalar_one()


def count_open_overdue(conn: Connection) -> int:
    """Open tickets flagged overdue: the flag stays for the record once a ticket closes, so closed ones are left out
    (read from ``ix_tickets_board``, whose open flagged tickets include these)."""
    query = select(func.count()).where(tickets.c.overdue == true(), OPEN)
    return conn.execute(query).scalar_one()


def _among(conn: Connection, column: ColumnElement[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN (ids)``; on PostgreSQL ``= ANY`` of one array parameter.

    psycopg caches the parsing of short queries only: an IN list of a batch's
    hundreds of placeholders is parsed again on every call.
    """
    if conn.dialect.name == "postgresql":
        return column == any_(literal(list(ids), ARRAY(Integer)))
    return column.in_(ids)


def open_tickets_locked(
    conn: Connection, *, holder_id: str | None = None, post_ids: Sequence[str] | None = None
) -> list[Ticket]:
    """The open tickets a holder holds, or of some posts, locked for this transaction, in id order."""
    query = select(tickets).where(tickets.c.closed_at.is_(None))
    if holder_id is not None:
        query = query.where(tickets.c.holder_id == holder_id)
    if post_ids is not None:
        query = query.where(tickets.c.post_id.in_(sorted(post_ids)))
    return [to_ticket(row) for row in conn.execute(query.order_by(tickets.c.id).with_for_update())]


def find(conn: Connection, filters: Mapping[str, str | bool], open_only: bool, limit: int) -> list[Ticket]:
    """Tickets whose columns equal every filter, most urgent deadline first."""
    query = select(tickets).where(*(tickets.c[column] == value for column, value in filters.items()))
    if open_only:
        query = query.where(tickets.c.closed_at.is_(None))
    query = query.order_by(tickets.c.due_at.is_(None), tickets.c.due_at, tickets.c.id).limit(limit)
    return [to_ticket(row) for row in conn.execute(query)]


def count_by_state(conn: Connection) -> dict[str, int]:
    return {state: n for state, n in conn.execute(select(tickets.c.state, func.count()).group_by(tickets.c.state))}


def add_attachment(
    conn: Connection, ticket_id: int, file_name: str, content_type: str, size: int, now: datetime
) -> None:
    values = {"file_name": file_name, "content_type": content_type, "size": size, "created_at": now}
    conn.execute(insert(attachments).values(ticket_id=ticket_id, **values))
