"""The rates' daily roll-up stays what the tickets say, whichever way they are written, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, delete, func, insert, select, update

from bench.generate import generate
from ticketing.db.rollup import fold
from ticketing.db.schema import (
    RATE_COUNTS,
    daily_count_changes,
    daily_counts,
    deadlines,
    history,
    notifications,
    tickets,
)
from ticketing.deploy.migrate import upgrade
from ticketing.deploy.resources import MIGRATIONS
from ticketing.services import Ticketing
from ticketing.services.rates import rebuild_rates

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
BUILDING = "B01010101"  # 阳光小区1号楼: grid G010101, community C0101
LEADER = "S0013"


def _rows(engine: Engine) -> dict[tuple[object, ...], tuple[int, ...]]:
    """Every day's counts with anything in them (a row of zeros says nothing), the changes folded in first."""
    c = daily_counts.c
    with engine.begin() as conn:
        fold(conn)
        assert conn.execute(select(func.count()).select_from(daily_count_changes)).scalar_one() == 0
    with engine.connect() as conn:
        found = conn.execute(select(c.day, c.street_id, c.community_id, c.grid_id, *(c[n] for n in RATE_COUNTS)))
        return {tuple(row[:4]): tuple(row[4:]) for row in found if any(row[4:])}


def _open(service: Ticketing, at: datetime) -> str:
    return service.open_ticket(
        category="property_repair", description="楼道灯不亮", contact_phone="13806330000", location_id=BUILDING, now=at
    ).number


def _close_satisfied(service: Ticketing, number: str, at: datetime) -> None:
    service.act(number, "acknowledge", LEADER, at + timedelta(minutes=20))
    service.act(number, "resolve", LEADER, at + timedelta(hours=3), resolution="换了灯泡")
    service.act(number, "callback", LEADER, at + timedelta(days=1), reached=True, satisfaction="satisfied", solved=True)


def test_a_closed_request_counts_on_the_day_it_was_opened_in_the_district(service: Ticketing) -> None:
    late_evening = datetime(2026, 11, 23, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC: still Monday in the district
    _close_satisfied(service, _open(service, late_evening), late_evening)
    rows = _rows(service.engine)
    key = (date(2026, 11, 23), "ST01", "C0101", "G010101")
    assert list(rows) == [key]
    counted = dict(zip(RATE_COUNTS, rows[key], strict=True))
    assert counted["base"] == counted["satisfied"] == counted["solved"] == counted["by_phone"] == 1
    assert counted["terminated"] == counted["returned"] == 0


def test_the_roll_up_kept_in_each_transaction_equals_one_computed_from_the_tickets(service: Ticketing) -> None:
    engine = service.engine
    generate(engine, 600, seed=7, now=MONDAY, years=0.2)  # bulk rows: COPY on PostgreSQL
    for day in range(3):
        _close_satisfied(service, _open(service, MONDAY + timedelta(days=day)), MONDAY + timedelta(days=day))
    returned = _open(service, MONDAY)
    service.act(returned, "return_to_resident", LEADER, MONDAY + timedelta(minutes=5), reason="不属于受理范围")
    with engine.begin() as conn:  # an administrator's correction straight in the database: moved to another grid
        conn.execute(update(tickets).where(tickets.c.number == returned).values(grid_id="G010102"))
        gone = conn.execute(select(tickets.c.id).where(tickets.c.satisfaction.is_not(None)).limit(5)).scalars().all()
        for table in (history, deadlines, notifications):
            conn.execute(delete(table).where(table.c.ticket_id.in_(gone)))
        conn.execute(delete(tickets).where(tickets.c.id.in_(gone)))
    kept = _rows(engine)
    assert sum(counts[0] for counts in kept.values()) > 100  # the generated history's base is in it
    rebuild_rates(engine)
    assert _rows(engine) == kept


def test_an_escalation_leaves_the_counts_as_they_were(service: Ticketing) -> None:
    _close_satisfied(service, _open(service, MONDAY), MONDAY)
    number = _open(service, MONDAY)
    before = _rows(service.engine)
    for week in range(1, 4):  # each sweep fires the deadline due: handed to the B holder, then up the chain
        service.sweep.run(MONDAY + timedelta(weeks=week))
    assert service.show(number).ticket.tier > 0
    assert _rows(service.engine) == before


def test_open_tickets_and_their_escalations_record_no_changes(service: Ticketing) -> None:
    """An open ticket counts in no rate: opening and escalating it writes no roll-up row, not even one of zeros."""
    number = _open(service, MONDAY)
    service.sweep.run(MONDAY + timedelta(weeks=1))  # the acknowledge deadline passes: late, handed over (and folds)
    assert service.show(number).ticket.ack_late
    with service.engine.connect() as conn:
        for table in (daily_counts, daily_count_changes):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0


def test_tickets_from_before_the_roll_up_get_their_day_and_are_counted(engine: Engine) -> None:
    """Upgrading: each ticket's day of opening in the district's time zone, and the counts computed from them."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    before = ScriptDirectory.from_config(config).get_revision("0017").down_revision
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, str(before))
        old = Table("tickets", MetaData(), autoload_with=conn)
        late = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai, Monday 2 November
        conn.execute(
            insert(old),
            [
                {
                    "id": number,
                    "number": f"261102-{number:06d}",
                    "workflow": "general",
                    "category": "property_repair",
                    "description": "楼道灯坏了",
                    "channel": "web",
                    "state": state,
                    "tier": 0,
                    "post_id": f"{BUILDING}.building_leader",
                    "street_id": "ST01",
                    "community_id": "C0101",
                    "grid_id": "G010101",
                    "overdue": False,
                    "needs_review": False,
                    "reopen_count": 0,
                    "callback_attempts": 0,
                    "satisfaction": satisfaction,
                    "callback_means": "phone" if satisfaction else None,
                    "created_at": late,
                    "updated_at": late,
                    "version": 1,
                }
                for number, state, satisfaction in ((1, "closed", "satisfied"), (2, "new", None))
            ],
        )
    upgrade(engine)
    with engine.connect() as conn:
        days = set(conn.execute(select(tickets.c.opened_on)).scalars())
    assert days == {date(2026, 11, 2)}
    counted = _rows(engine)
    assert list(counted) == [(date(2026, 11, 2), "ST01", "C0101", "G010101")]
    assert dict(zip(RATE_COUNTS, next(iter(counted.values())), strict=True))["satisfied"] == 1
