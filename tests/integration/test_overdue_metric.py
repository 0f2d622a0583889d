"""``ticketing_tickets_overdue`` counts what supervisors still have to chase: open overdue tickets."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ticketing.deploy.metrics import app_registry
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)  # an ordinary working Monday
COMMUNITY = "C0101"  # a request about the whole community starts at the top tier, its party organisation


def _overdue_gauge(service: Ticketing, at: datetime) -> float | None:
    return app_registry(service, lambda: at).get_sample_value("ticketing_tickets_overdue")


def test_closing_an_overdue_ticket_lowers_the_overdue_gauge(service: Ticketing) -> None:
    ticket = service.open_ticket(
        category="property_repair",
        description="楼道灯不亮",
        contact_phone="13806330000",
        location_id=COMMUNITY,
        now=MONDAY,
    )
    while not (current := service.show(ticket.number).ticket).overdue:  # the A holder's deadline, then the B holder's
        assert current.due_at is not None
        service.sweep.run(current.due_at)
    at = current.updated_at + timedelta(minutes=1)
    assert current.holder_id is not None
    assert _overdue_gauge(service, at) == 1

    service.act(ticket.number, "acknowledge", current.holder_id, at)
    service.act(ticket.number, "resolve", current.holder_id, at + timedelta(minutes=1), resolution="已修好")
    service.act(
        ticket.number, "callback", current.holder_id, at + timedelta(minutes=2), satisfaction="satisfied", solved=True
    )

    closed = service.show(ticket.number).ticket
    assert closed.closed_at is not None and closed.overdue  # the flag stays on the record
    assert _overdue_gauge(service, at + timedelta(minutes=3)) == 0
    assert service.state_counts()["overdue"] == 0  # the status page counts the same way
