"""History lines told from codes: ``history.details``, with the old English lines parsed into it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 09:40:00.000000

A history line now keeps in ``reason`` only what a person wrote, and the rest
as codes, ids and numbers in ``details``, which each reader's page puts into
their own language.  Lines written before this revision held one English
sentence; those of a known shape are split into the person's words and the
details (``tests/integration/test_migrations.py`` pins each shape), so they
read in Chinese too.  A line of no known shape stays as it was, shown as
plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BATCH = 1000
VERDICT = r"(?P<satisfaction>satisfied|basically_satisfied|unsatisfied)"
COMMENT = r"(?:\. (?P<reason>.*))?"
COVERS = (
    re.compile(r"A holder (?P<away>\S+) is away, so B holder (?P<covering>\S+) takes it \(AB岗\)"),
    re.compile(r"holders (?P<away>.+) are away, so (?P<covering>\S+), next in order, takes it"),
)
# Each action's old sentences, tried in order; the named groups become details, ``reason`` the person's words.
SHAPES: dict[str, tuple[re.Pattern[str], ...]] = {
    "open": (re.compile(r"channel (?P<channel>\w+)(?:, registered by (?P<registrar>\S+))?(?:; (?P<cover>.+))?"),),
    "escalate": (
        re.compile(r"up the chain to (?P<to_kind>\w+)(?:; (?P<cover>.+))?"),
        re.compile(r"already at the top of the chain: supervisors told(?P<at_top>)"),
    ),
    "handover": (
        re.compile(r"(?P<from>\S+) did not acknowledge in time; passed to (?P<to>\S+)(?P<not_acknowledged>)"),
        re.compile(r"(?P<from>\S+) away \((?P<reason>.*)\); (?P<to>\S+) covers(?P<away_cause>)", re.DOTALL),
        re.compile(r"(?P<to>\S+) back from absence; takes over again(?P<back>)"),
        re.compile(
            r"holders of post (?P<post>\S+) changed from (?P<before>.+) to (?P<after>.+); "
            r"(?P<from>\S+) hands over to (?P<to>\S+)(?P<holders_changed>)"
        ),
    ),
    "both_absent": (
        re.compile(r"(?:every holder|both holders) of post (?P<post>\S+) \(.*\) (?:is|are) away"),
        re.compile(
            r"holders of post (?P<post>\S+) changed from (?P<before>.+) to (?P<after>.+); "
            r"every new holder is away(?P<holders_changed>)"
        ),
    ),
    "overdue": (re.compile(r"deadline passed at the top of the chain.*"),),
    "callback_overdue": (re.compile(r"callback deadline passed.*"),),
    "remind": (re.compile(r"(?P<share>\d+)% of the (?P<clock>\w+) time used; due (?P<due>.+)"),),
    "urge": (re.compile(r"still not acted on since the deadline passed at (?P<since>.+)"),),
    "warn": (re.compile(r"still not acted on after the reminder of (?P<since>.+)"),),
    "transfer": (re.compile(r"to (?P<to_post>\S+): (?P<reason>.*)", re.DOTALL),),
    "refer": (re.compile(r"(?P<body>.+?): (?P<reason>.*)", re.DOTALL),),
    "extend": (re.compile(r"(?P<clock>\w+) deadline \+(?P<by>\d+[mhd]): (?P<reason>.*)", re.DOTALL),),
    "invite": (re.compile(r"(?P<post>\S+): (?P<reason>.*)", re.DOTALL),),
    "release": (re.compile(r"(?P<post>\S+)"),),
    "mediate": (re.compile(r"(?P<outcome>success|partial|failed)(?:: (?P<reason>.*))?", re.DOTALL),),
    "callback": (
        re.compile(r"not reached \(attempt (?P<attempt>\d+)\)" + COMMENT, re.DOTALL),
        re.compile(
            r"(?P<means>phone|link|visit|none), (?P<solved>solved|not solved)(?:, " + VERDICT + ")?" + COMMENT,
            re.DOTALL,
        ),
        re.compile(VERDICT + COMMENT, re.DOTALL),
    ),
}
SHAPES["resident_feedback"] = SHAPES["callback"]
MARKS = {
    "at_top": ("at_top", 1),
    "not_acknowledged": ("cause", "not_acknowledged"),
    "away_cause": ("cause", "away"),
    "back": ("cause", "back"),
    "holders_changed": ("cause", "holders_changed"),
}


def holder_ids(order: str) -> str:
    """``A S1, B S2, then S3`` (or ``S1, S2``) as ``S1,S2,S3``."""
    parts = [part.strip() for part in order.split(",")]
    return ",".join(part.removeprefix("then ").removeprefix("A ").removeprefix("B ").strip() for part in parts)


def parse(action: str, text: str) -> tuple[str, dict[str, Any]] | None:
    """The person's words and the details of an old line, or None when it has no known shape."""
    for shape in SHAPES.get(action, ()):
        found = shape.fullmatch(text)
        if found is not None:
            return _split(action, {key: value for key, value in found.groupdict().items() if value is not None})
    return None


def _split(action: str, groups: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    reason = groups.pop("reason", "").strip()
    details: dict[str, Any] = {}
    for key, value in groups.items():
        if key in MARKS:
            name, mark = MARKS[key]
            details[name] = mark
        elif key == "cover":
            cover = next((c.fullmatch(value) for c in COVERS if c.fullmatch(value)), None)
            if cover is None:
                return None
            details |= {"away": holder_ids(cover["away"]), "covering": cover["covering"]}
        elif key in ("before", "after", "away"):
            details[key] = holder_ids(value)
        elif key in ("share", "attempt"):
            details[key] = int(value)
        elif key == "solved":
            details[key] = int(value == "solved")
        else:
            details[key] = value
    if action in ("callback", "resident_feedback"):
        details["reached"] = 0 if "attempt" in details else 1
        if "means" not in details and details["reached"]:
            details["means"] = "link" if action == "resident_feedback" else "phone"
    return reason, details


def _rows(conn: sa.Connection, history: sa.Table) -> Iterator[list[dict[str, Any]]]:
    """The rewritten lines, a batch at a time, read by id."""
    last = 0
    while True:
        query = (
            sa.select(history.c.id, history.c.action, history.c.reason)
            .where(history.c.id > last, history.c.action.in_(sorted(SHAPES)), history.c.reason != "")
            .order_by(history.c.id)
            .limit(BATCH)
        )
        rows = conn.execute(query).all()
        if not rows:
            return
        last = rows[-1].id
        changed = []
        for row in rows:
            parsed = parse(row.action, row.reason)
            if parsed is not None:
                changed.append({"row_id": row.id, "new_reason": parsed[0], "new_details": parsed[1]})
        yield changed


def upgrade() -> None:
    with op.batch_alter_table("history", schema=None) as batch_op:
        # A plain default, not an expression, so SQLite adds the column in place.
        batch_op.add_column(sa.Column("details", sa.JSON(), server_default="{}", nullable=False))
    conn = op.get_bind()
    history = sa.Table("history", sa.MetaData(), autoload_with=conn)
    update = (
        history.update()
        .where(history.c.id == sa.bindparam("row_id"))
        .values(reason=sa.bindparam("new_reason"), details=sa.bindparam("new_details"))
    )
    for changed in _rows(conn, history):
        if changed:
            conn.execute(update, changed)


def downgrade() -> None:
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.drop_column("details")
