"""The engine over a real database: routing, history, deadlines, locking, atomicity, the sweep."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, Table, func, select, update
from sqlalchemy.exc import StatementError

from ticketing.db import tickets as store
from ticketing.db.engine import writing
from ticketing.db.schema import absences, deadlines, history, notifications, tickets
from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from ticketing.domain.ticket import Outcome, Ticket
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)  # an ordinary working Monday
BUILDING = "B01010101"  # 阳光小区1号楼, community C0101 (staggered hours)


def _open(service: Ticketing, at: datetime = MONDAY, **extra: object) -> Ticket:
    fields = {
        "category": "property_repair",
        "description": "楼道灯不亮",
        "contact_phone": "13806330000",
        "location_id": BUILDING,
    } | extra
    return service.open_ticket(now=at, **fields)


def _count(engine: Engine, table: Table, **where: object) -> int:
    query = select(func.count()).select_from(table)
    for key, value in where.items():
        query = query.where(table.c[key] == value)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_a_request_is_routed_handled_called_back_and_closed(service: Ticketing, engine: Engine) -> None:
    ticket = _open(service)
    assert ticket.number == f"261123-{ticket.id:06d}"
    assert (ticket.state, ticket.post_id, ticket.holder_id) == ("new", f"{BUILDING}.building_leader", "S0013")
    leader = ticket.holder_id
    service.act(ticket.number, "acknowledge", leader, MONDAY + timedelta(minutes=20))
    service.act(ticket.number, "resolve", leader, MONDAY + timedelta(hours=3), resolution="换了灯泡")
    closed = service.act(
        ticket.number,
        "callback",
        leader,
        MONDAY + timedelta(days=1),
        reached=True,
        satisfaction="satisfied",
        solved=True,
        comment="好",
    )
    assert closed.state == "closed" and closed.first_responder_id == leader
    detail = service.show(ticket.number)
    assert [e.action for e in detail.history] == ["open", "acknowledge", "resolve", "callback"]
    assert detail.history[-1].to_state == detail.ticket.state
    assert _count(engine, deadlines, ticket_id=ticket.id, status="pending") == 0


def test_times_keep_their_instant_on_every_database(service: Ticketing) -> None:
    ticket = _open(service)
    stored = service.show(ticket.number).ticket
    assert stored.created_at == MONDAY and stored.created_at.tzinfo is not None
    assert stored.due_at == ticket.due_at and stored.due_at.utcoffset() == timedelta(0)


def test_a_naive_time_is_refused_before_anything_is_written(service: Ticketing, engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="no time zone"):
        _open(service, at=datetime(2026, 11, 23, 9, 0))
    assert _count(engine, tickets) == 0


def test_a_refused_action_writes_nothing(service: Ticketing, engine: Engine) -> None:
    ticket = _open(service)
    with pytest.raises(NotAllowed, match="allowed: acknowledge"):
        service.act(ticket.number, "resolve", ticket.holder_id, MONDAY, resolution="x")
    with pytest.raises(NotAllowed, match="holders of post"):
        service.act(ticket.number, "acknowledge", "S0100", MONDAY)
    after = service.show(ticket.number)
    assert after.ticket.version == ticket.version and len(after.history) == 1
    assert _count(engine, notifications) == 1


def test_unknown_ticket_and_bad_input_say_what_is_wrong(service: Ticketing) -> None:
    with pytest.raises(NotFound, match="no ticket '999999-000001'"):
        service.show("999999-000001")
    with pytest.raises(InvalidInput, match="contact_phone"):
        _open(service, contact_phone="call me")
    with pytest.raises(InvalidInput, match=r"unknown category 'space_travel' \(known: .*property_repair"):
        _open(service, category="space_travel")


def test_an_unmatched_address_goes_to_the_intake_post(service: Ticketing) -> None:
    ticket = _open(service, location_id=None, address="不存在的某条路")
    assert ticket.post_id == "C0101.intake"
    by_address = _open(service, location_id=None, address="日照市海曲东路10号阳光小区3号楼2单元")
    assert by_address.post_id == "B01010103.building_leader"


def test_a_stale_version_is_a_conflict_not_an_overwrite(service: Ticketing) -> None:
    ticket = _open(service)
    service.act(ticket.number, "note", ticket.holder_id, MONDAY, expected_version=1, text="已电话联系")
    with pytest.raises(Conflict, match="someone else changed it"):
        service.act(ticket.number, "acknowledge", ticket.holder_id, MONDAY, expected_version=1)
    assert service.show(ticket.number).ticket.state == "new"


def test_of_two_racing_writers_one_wins_and_one_gets_a_conflict(service: Ticketing, engine: Engine) -> None:
    ticket = _open(service)
    with engine.connect() as conn:
        first = store.get(conn, ticket.number)
        second = store.get(conn, ticket.number)
    outcome = Outcome()
    outcome.record(first, MONDAY, "S0013", "note", first.state, "first")
    with engine.begin() as conn:
        store.save(conn, first, 1, outcome)
    with pytest.raises(Conflict), engine.begin() as conn:
        store.save(conn, second, 1, outcome)
    assert len(service.show(ticket.number).history) == 2


def test_concurrent_actions_on_one_ticket_one_succeeds(service: Ticketing) -> None:
    ticket = _open(service)
    results: list[str] = []
    barrier = threading.Barrier(2)

    def act(holder: str) -> None:
        barrier.wait()
        try:
            service.act(ticket.number, "acknowledge", holder, MONDAY, expected_version=1)
            results.append("ok")
        except (Conflict, NotAllowed):
            results.append("refused")

    threads = [threading.Thread(target=act, args=(holder,)) for holder in ("S0013", "S0014")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert service.show(ticket.number).ticket.version == 2


def test_the_sweep_fires_each_deadline_once(service: Ticketing, engine: Engine) -> None:
    ticket = _open(service)
    late = MONDAY + timedelta(days=1)
    first = service.sweep.run(late)
    assert first.fired == 1 and first.handed_over == 1 and first.numbers == [ticket.number]
    assert service.sweep.run(late).fired == 0
    passed = service.show(ticket.number)
    assert passed.ticket.holder_id == "S0014" and passed.history[-1].action == "handover"
    escalated = service.sweep.run(late + timedelta(days=1))
    assert escalated.escalated == 1
    now = service.show(ticket.number).ticket
    assert (now.tier, now.post_id, now.state) == (1, "G010101.grid_leader", "new")
    assert _count(engine, deadlines, ticket_id=ticket.id, status="pending") == 1  # the first timer of the new clock
    assert [e.action for e in service.show(ticket.number).history] == ["open", "handover", "escalate"]
    assert _count(engine, history, ticket_id=ticket.id) == 3


def test_the_sweep_marks_the_top_tier_overdue_and_tells_supervisors(service: Ticketing, engine: Engine) -> None:
    ticket = _open(service)
    moment = MONDAY
    for _ in range(10):
        moment += timedelta(days=3)
        service.sweep.run(moment)
    final = service.show(ticket.number).ticket
    assert final.overdue and final.post_id == "C0101.community_party" and final.clock is None
    with engine.connect() as conn:
        told = set(
            conn.execute(select(notifications.c.recipient_id).where(notifications.c.event == "overdue")).scalars()
        )
    assert "S0004" in told and "S0002" in told  # community party A holder and street committee A holder


def test_an_absence_hands_tickets_over_and_back(service: Ticketing) -> None:
    ticket = _open(service)
    service.act(ticket.number, "acknowledge", "S0013", MONDAY + timedelta(minutes=5))
    start, end = MONDAY + timedelta(hours=1), MONDAY + timedelta(days=2)
    service.absences.record("S0013", start, end, "出差", MONDAY + timedelta(hours=1))
    covered = service.show(ticket.number)
    assert covered.ticket.holder_id == "S0014" and covered.history[-1].action == "handover"
    service.sweep.run(end + timedelta(minutes=1))
    back = service.show(ticket.number)
    handovers = [entry for entry in back.history if entry.action == "handover"]
    assert back.ticket.holder_id == "S0013" and handovers[-1].details == {"cause": "back", "to": "S0013"}


def test_an_absence_needs_a_sane_period_and_a_known_person(service: Ticketing) -> None:
    with pytest.raises(InvalidInput, match="must be after the start"):
        service.absences.record("S0013", MONDAY, MONDAY, "事假", MONDAY)
    with pytest.raises(NotFound, match="unknown staff member"):
        service.absences.record("S9999", MONDAY, MONDAY + timedelta(days=1), "事假", MONDAY)


def test_listing_serves_queues_and_the_accountable_list(service: Ticketing) -> None:
    mine = _open(service)
    _open(service, location_id="B01010102")
    service.act(mine.number, "acknowledge", "S0013", MONDAY)
    service.act(mine.number, "transfer", "S0013", MONDAY, target_post="G010101.grid_leader", reason="需网格协调")
    accountable = service.list_tickets(first_responder_id="S0013")
    assert [t.number for t in accountable] == [mine.number]
    assert [t.number for t in service.list_tickets(post_id="G010101.grid_leader")] == [mine.number]
    assert service.state_counts()["new"] == 2


def test_the_time_column_refuses_naive_values_and_returns_utc(service: Ticketing, engine: Engine) -> None:
    with pytest.raises(StatementError, match="must carry a time zone"), engine.begin() as conn:
        conn.execute(
            absences.insert().values(staff_id="S0013", starts_at=datetime(2026, 11, 23, 9), ends_at=MONDAY, reason="x")
        )
    with engine.begin() as conn:
        conn.execute(absences.insert().values(staff_id="S0013", starts_at=MONDAY, ends_at=MONDAY, reason="x"))
    with engine.connect() as conn:
        stored = conn.execute(select(absences.c.starts_at)).scalar_one()
    assert stored == MONDAY and stored.utcoffset() == timedelta(0) and stored.hour == 1


def test_a_resident_finds_their_ticket_by_link_or_number_and_phone_ending(service: Ticketing, engine: Engine) -> None:
    ticket = _open(service, access_token="s3cret-token")
    with engine.connect() as conn:
        stored = conn.execute(select(tickets.c.access_token_hash)).scalar_one()
    assert stored != "s3cret-token" and len(stored) == 64
    assert service.find_by_token("s3cret-token").ticket.number == ticket.number
    assert service.find_for_resident(ticket.number, "0000").ticket.id == ticket.id
    with pytest.raises(NotFound, match="no request matches"):
        service.find_for_resident(ticket.number, "1234")
    with pytest.raises(NotFound, match="no request matches"):
        service.find_for_resident("000000-000000", "0000")
    with pytest.raises(InvalidInput, match="last four digits"):
        service.find_for_resident(ticket.number, "12")
    with pytest.raises(NotFound, match="copied whole"):
        service.find_by_token("s3cret-toke")


def test_a_control_character_in_an_action_is_refused_before_it_reaches_the_database(service: Ticketing) -> None:
    ticket = _open(service)

    with pytest.raises(InvalidInput, match="text: control characters are not allowed"):
        service.act(ticket.number, "note", "S0013", MONDAY + timedelta(minutes=1), text="已联系\x00物业")
    with pytest.raises(InvalidInput, match="reason: control characters are not allowed"):
        service.absences.record("S0013", MONDAY, MONDAY + timedelta(days=1), "事假\x00", MONDAY)

    assert [entry.action for entry in service.show(ticket.number).history] == ["open"]


def test_a_reader_is_answered_while_a_writer_holds_its_transaction(service: Ticketing, engine: Engine) -> None:
    """A page read beside a running write sees the last committed state at once (SQLite: no queueing behind it)."""
    number = _open(service).number
    reader_done = threading.Event()
    seen: list[str] = []

    def read_page() -> None:
        seen.append(service.show(number).ticket.state)
        reader_done.set()

    with writing(engine) as conn:
        conn.execute(update(tickets).where(tickets.c.number == number).values(description="写到一半"))
        reader = threading.Thread(target=read_page)
        reader.start()
        answered = reader_done.wait(timeout=10)  # a bound on a loaded machine, far below the 30 s lock wait
        reader.join()
    assert answered, "the read waited for the writer to finish"
    assert seen == ["new"]
    assert service.show(number).ticket.description == "写到一半"


def test_two_writers_still_queue_rather_than_fail(service: Ticketing, engine: Engine) -> None:
    """Writes start by taking the write lock on SQLite: a second writer waits for the first and then succeeds."""
    number = _open(service).number
    first_holding = threading.Event()
    release = threading.Event()

    def first_writer() -> None:
        with writing(engine) as conn:
            conn.execute(update(tickets).where(tickets.c.number == number).values(description="第一"))
            first_holding.set()
            release.wait(timeout=10)

    thread = threading.Thread(target=first_writer)
    thread.start()
    first_holding.wait(timeout=10)
    threading.Timer(0.2, release.set).start()
    with writing(engine) as conn:
        mine = select(tickets.c.description).where(tickets.c.number == number).with_for_update()
        current = conn.execute(mine).scalar_one()
        conn.execute(update(tickets).where(tickets.c.number == number).values(description=current + "，第二"))
    thread.join()
    assert service.show(number).ticket.description == "第一，第二"
