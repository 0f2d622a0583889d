"""Reminders, 催办 and 通报 through the database and the sweep, with an injected clock: each once, at its time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Row, select

from ticketing.db.schema import deadlines, notifications
from ticketing.domain.ticket import RESIDENT, Ticket
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)  # an ordinary working Monday
BUILDING = "B01010101"  # 阳光小区1号楼: building leader S0013 (A), S0014 (B)
COMMUNITY = "C0101"  # a request about the whole community starts at its party organisation, the top tier


def _open(service: Ticketing, where: str = BUILDING, **extra: Any) -> Ticket:
    return service.open_ticket(
        category="property_repair",
        description="楼道灯不亮",
        contact_phone="13806330000",
        location_id=where,
        now=MONDAY,
        **extra,
    )


def _pending(engine: Engine, ticket_id: int) -> list[Row[Any]]:
    query = (
        select(deadlines.c.kind, deadlines.c.step, deadlines.c.due_at)
        .where(deadlines.c.ticket_id == ticket_id, deadlines.c.status == "pending")
        .order_by(deadlines.c.due_at)
    )
    with engine.connect() as conn:
        return list(conn.execute(query))


def _notices(engine: Engine, ticket_id: int, event: str) -> list[str]:
    query = select(notifications.c.recipient_id).where(
        notifications.c.ticket_id == ticket_id, notifications.c.event == event
    )
    with engine.connect() as conn:
        return sorted(conn.execute(query).scalars())


def test_reminders_fire_once_each_and_leave_the_ticket_alone(service: Ticketing, engine: Engine) -> None:
    ticket = _open(service)
    [half] = _pending(engine, ticket.id)  # one timer pending at a time: the earliest
    assert (half.kind, half.step) == ("reminder", 50) and half.due_at < ticket.due_at

    first = service.sweep.run(half.due_at)
    again = service.sweep.run(half.due_at)

    assert (first.reminded, first.fired, again.reminded) == (1, 0, 0)
    reminded = service.show(ticket.number)
    assert reminded.history[-1].action == "remind" and reminded.history[-1].details["share"] == 50
    assert reminded.ticket.version == ticket.version  # a staff member's open form is still current
    assert _notices(engine, ticket.id, "reminder") == ["S0013"]
    [four_fifths] = _pending(engine, ticket.id)
    assert (four_fifths.kind, four_fifths.step) == ("reminder", 80) and half.due_at < four_fifths.due_at
    assert service.sweep.run(four_fifths.due_at).reminded == 1
    assert _notices(engine, ticket.id, "reminder") == ["S0013", "S0013"]
    [deadline] = _pending(engine, ticket.id)
    assert (deadline.kind, deadline.due_at) == ("deadline", ticket.due_at)

    service.act(ticket.number, "acknowledge", "S0013", four_fifths.due_at + timedelta(minutes=1))

    assert service.sweep.run(deadline.due_at + timedelta(minutes=1)).fired == 0  # that deadline no longer runs
    assert [(t.kind, t.step) for t in _pending(engine, ticket.id)] == [("reminder", 50)]  # the resolve clock's


def test_after_downtime_reminders_whose_deadline_passed_are_skipped(service: Ticketing, engine: Engine) -> None:
    ticket = _open(service)
    assert ticket.due_at is not None

    report = service.sweep.run(ticket.due_at + timedelta(hours=1))  # the worker was down through reminders and deadline

    assert (report.reminded, report.stale, report.handed_over) == (0, 1, 1)  # the first reminder led to the deadline
    assert "remind" not in [entry.action for entry in service.show(ticket.number).history]


def test_a_deadline_missed_at_the_top_is_urged_then_warned(service: Ticketing, engine: Engine) -> None:
    ticket = _open(service, COMMUNITY)
    assert ticket.post_id == f"{COMMUNITY}.community_party"
    while not service.show(ticket.number).ticket.overdue:  # the A holder's deadline, then the B holder's
        service.sweep.run(service.show(ticket.number).ticket.due_at)
    [urge] = _pending(engine, ticket.id)
    assert urge.kind == "urge" and urge.due_at.astimezone(SHANGHAI).hour < 12  # a working morning

    urged = service.sweep.run(urge.due_at)

    assert urged.urged == 1 and service.sweep.run(urge.due_at).urged == 0
    after_urge = service.show(ticket.number)
    assert after_urge.history[-1].action == "urge" and after_urge.ticket.urged_at == urge.due_at
    told = _notices(engine, ticket.id, "urged")
    assert "S0004" in told and "S0002" in told and after_urge.ticket.holder_id in told
    [warn] = _pending(engine, ticket.id)
    assert warn.kind == "warn" and warn.due_at > urge.due_at

    warned = service.sweep.run(warn.due_at)

    assert warned.warned == 1 and service.sweep.run(warn.due_at + timedelta(days=30)).warned == 0
    flagged = service.show(ticket.number).ticket
    assert flagged.warned_at == warn.due_at and _pending(engine, ticket.id) == []
    assert "S0004" in _notices(engine, ticket.id, "warned")


def test_acting_on_an_overdue_ticket_calls_off_its_urge(service: Ticketing, engine: Engine) -> None:
    ticket = _open(service, COMMUNITY)
    while not service.show(ticket.number).ticket.overdue:
        service.sweep.run(service.show(ticket.number).ticket.due_at)
    [urge] = _pending(engine, ticket.id)
    holder = service.show(ticket.number).ticket.holder_id

    service.act(ticket.number, "acknowledge", holder, urge.due_at - timedelta(hours=1))

    assert service.sweep.run(urge.due_at).urged == 0
    assert "urge" not in [entry.action for entry in service.show(ticket.number).history]


def test_the_resident_hears_of_the_resolution_and_the_closing_by_the_channel_they_chose(
    service: Ticketing, engine: Engine
) -> None:
    by_sms = _open(service, notify_by="sms")
    not_at_all = _open(service, notify_by="none")
    for ticket in (by_sms, not_at_all):
        service.act(ticket.number, "acknowledge", "S0013", MONDAY + timedelta(minutes=5))
        service.act(ticket.number, "resolve", "S0013", MONDAY + timedelta(hours=1), resolution="换了灯泡")
        service.act(
            ticket.number,
            "callback",
            "S0013",
            MONDAY + timedelta(hours=2),
            reached=True,
            satisfaction="satisfied",
            solved=True,
        )

    assert _notices(engine, by_sms.id, "request_resolved") == [RESIDENT]
    assert _notices(engine, by_sms.id, "request_closed") == [RESIDENT]
    with engine.connect() as conn:
        to_resident = select(notifications.c.id).where(
            notifications.c.ticket_id == not_at_all.id, notifications.c.recipient_id == RESIDENT
        )
        assert conn.execute(to_resident).all() == []
