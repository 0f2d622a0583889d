"""The migrations build exactly the tables the code declares, on every database."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import Flask
from flask_babel import Babel
from sqlalchemy import Engine, MetaData, Table, insert, select

from ticketing.db.schema import history as history_now
from ticketing.db.schema import meta, metadata, posts, staff, units
from ticketing.db.schema import tickets as tickets_now
from ticketing.deploy.migrate import is_current, upgrade
from ticketing.deploy.resources import MIGRATIONS, TRANSLATIONS
from ticketing.domain.org import Organisation, Staff
from ticketing.domain.ticket import HistoryAction, HistoryEntry
from ticketing.web.history_text import Names, history_text

OLD = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


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


def _migrate(engine: Engine, step: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)


def _old_ticket(number: int, state: str, satisfaction: str | None, **values: object) -> dict[str, object]:
    """A ticket row as revision 0011 stores it, first responder S0013 at the building post."""
    return {
        "id": number,
        "number": f"2026-{number:06d}",
        "workflow": "general",
        "category": "lighting",
        "description": "楼道灯坏了",
        "channel": "web",
        "state": state,
        "tier": 1,
        "post_id": "building-leader:b1",
        "ack_passes": 0,
        "first_responder_id": "S0013",
        "first_responder_post_id": "building-leader:b1",
        "overdue": False,
        "needs_review": False,
        "reopen_count": 0,
        "callback_attempts": 0,
        "satisfaction": satisfaction,
        "created_at": OLD,
        "updated_at": OLD,
        "version": 1,
        **values,
    }


def _old_verdict(ticket_id: int, action: str, reason: str) -> dict[str, object]:
    return {
        "ticket_id": ticket_id,
        "at": OLD,
        "action": action,
        "from_state": "resolved",
        "to_state": "closed",
        "tier": 1,
        "post_id": "building-leader:b1",
        "reason": reason,
    }


def test_tickets_called_back_before_trusted_callbacks_keep_what_their_callback_meant(engine: Engine) -> None:
    """Upgrading from 0011: solved from the old verdict, the means from who gave it, the callback post the
    first responder's, and the 不满意 verdicts already given counted, so the next one goes a tier up."""
    _migrate(engine, "downgrade", "0011")
    with engine.begin() as conn:
        old = MetaData()
        tickets, history = (Table(name, old, autoload_with=conn) for name in ("tickets", "history"))
        conn.execute(
            insert(tickets),
            [
                _old_ticket(1, "closed", "satisfied"),
                _old_ticket(2, "closed", "basically_satisfied"),
                _old_ticket(3, "in_progress", "unsatisfied", reopen_count=1),
                _old_ticket(4, "closed_unreachable", None, callback_attempts=3),
                _old_ticket(5, "new", None, first_responder_id=None, first_responder_post_id=None),
            ],
        )
        conn.execute(
            insert(history),
            [
                _old_verdict(1, "callback", "satisfied. 很满意"),
                _old_verdict(2, "resident_feedback", "basically_satisfied"),
                _old_verdict(3, "callback", "unsatisfied. 只剪了一半"),
            ],
        )

    upgrade(engine)

    with engine.connect() as conn:
        rows = conn.execute(
            select(
                tickets_now.c.id,
                tickets_now.c.solved,
                tickets_now.c.callback_means,
                tickets_now.c.callback_post_id,
                tickets_now.c.unsatisfied_count,
            ).order_by(tickets_now.c.id)
        ).all()
    assert [tuple(row) for row in rows] == [
        (1, True, "phone", "building-leader:b1", 0),
        (2, True, "link", "building-leader:b1", 0),
        (3, False, "phone", "building-leader:b1", 1),
        (4, None, None, "building-leader:b1", 0),
        (5, None, None, None, 0),
    ]
    assert is_current(engine)


def _old_line(ticket_id: int, action: str, reason: str, **values: object) -> dict[str, object]:
    """A history row as revision 0013 stores it: one English sentence."""
    return {
        "ticket_id": ticket_id,
        "at": OLD,
        "action": action,
        "from_state": "new",
        "to_state": "new",
        "tier": 0,
        "post_id": "building-leader:b1",
        "reason": reason,
    } | values


def test_old_english_history_lines_become_codes_each_reader_sees_in_their_language(engine: Engine) -> None:
    """Upgrading from 0013: each known English sentence is split into the person's words and its details;
    a line of no known shape stays as it was."""
    _migrate(engine, "downgrade", "0013")
    lines = {
        "channel web": ("open", "", {"channel": "web"}),
        "channel walk_in, registered by S0013; A holder S0013 is away, so B holder S0014 takes it (AB岗)": (
            "open",
            "",
            {"channel": "walk_in", "registrar": "S0013", "away": "S0013", "covering": "S0014"},
        ),
        "S0019 did not acknowledge in time; passed to S0020": (
            "handover",
            "",
            {"cause": "not_acknowledged", "from": "S0019", "to": "S0020"},
        ),
        "S0013 away (区里开会); S0014 covers": (
            "handover",
            "区里开会",
            {"cause": "away", "from": "S0013", "to": "S0014"},
        ),
        "up the chain to grid_leader": ("escalate", "", {"to_kind": "grid_leader"}),
        "not reached (attempt 1). 无人接听": ("callback", "无人接听", {"reached": 0, "attempt": 1}),
        "satisfied. 很满意": ("callback", "很满意", {"reached": 1, "means": "phone", "satisfaction": "satisfied"}),
        "phone, not solved, unsatisfied. 还是不亮": (
            "callback",
            "还是不亮",
            {"reached": 1, "means": "phone", "solved": 0, "satisfaction": "unsatisfied"},
        ),
        "to G010101.grid_leader: 需网格长协调": ("transfer", "需网格长协调", {"to_post": "G010101.grid_leader"}),
        "resolve deadline +1d: 需采购配件": ("extend", "需采购配件", {"clock": "resolve", "by": "1d"}),
        "deadline passed at the top of the chain (超期督办)": ("overdue", "", {}),
        "50% of the acknowledge time used; due 2026-03-02 11:00": (
            "remind",
            "",
            {"share": 50, "clock": "acknowledge", "due": "2026-03-02 11:00"},
        ),
        "请物业今天处理": ("note", "请物业今天处理", {}),
        "something a later version wrote": ("escalate", "something a later version wrote", {}),
    }
    with engine.begin() as conn:
        old = MetaData()
        tickets, history = (Table(name, old, autoload_with=conn) for name in ("tickets", "history"))
        conn.execute(insert(tickets), [_old_ticket(1, "new", None)])
        conn.execute(insert(history), [_old_line(1, action, text) for text, (action, _, _) in lines.items()])

    upgrade(engine)

    with engine.connect() as conn:
        rows = conn.execute(select(history_now.c.reason, history_now.c.details).order_by(history_now.c.id)).all()
    assert [(row.reason, row.details) for row in rows] == [(words, details) for _, words, details in lines.values()]
    assert is_current(engine)
    covered = HistoryEntry(
        OLD, None, HistoryAction.HANDOVER, "new", "new", 0, "P", "S0014", rows[3].reason, rows[3].details
    )
    assert _in_chinese(covered) == "王伟不在岗（区里开会），由李娜顶岗"


def _in_chinese(entry: HistoryEntry) -> str:
    """The line as a Chinese page shows it, S0013 being 王伟 and S0014 李娜."""
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=lambda: "zh_Hans")
    org = Organisation(staff={"S0013": Staff("S0013", "王伟"), "S0014": Staff("S0014", "李娜")})
    with app.test_request_context():
        return history_text(entry, Names(org))
