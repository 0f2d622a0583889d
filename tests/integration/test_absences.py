"""Absences over a real database: bounded in time, ended early or cancelled with the tickets handed back.

The web pages, the staff API and the command line all call these use cases; their own tests are in
``web/test_absence_actions.py``, ``api/test_api_v1_absences.py`` and at the end of this file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select

from ticketing.cli import cli
from ticketing.db import absences as absence_store
from ticketing.db.meta import get_int
from ticketing.db.schema import absences, history
from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
BUILDING = "B01010101"  # building leader A S0013, B S0014; community C0101
LEADER, COVER, ADMIN, SUPERVISOR = "S0013", "S0014", "S0001", "S0004"


def _open(service: Ticketing, at: datetime = MONDAY) -> Ticket:
    return service.open_ticket(
        category="property_repair", description="楼道灯不亮", contact_phone="13806330000", location_id=BUILDING, now=at
    )


def _holder(service: Ticketing, ticket: Ticket) -> str | None:
    return service.show(ticket.number).ticket.holder_id


def _absent(service: Ticketing, staff_id: str, at: datetime) -> bool:
    with service.engine.connect() as conn:
        return service.worlds.world(conn).absent(staff_id, at)


def _stored(engine: Engine) -> tuple[int, int, int]:
    """Absences, history entries and the absence cache version: what a refused request must leave alone."""
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(absences)).scalar_one()
        entries = conn.execute(select(func.count()).select_from(history)).scalar_one()
        return count, entries, get_int(conn, absence_store.ABSENCE_VERSION)


# --- bounds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        (datetime(9999, 12, 31, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "days in advance"),
        (datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 2, tzinfo=UTC), "days back"),
        (MONDAY, datetime(9999, 12, 31, tzinfo=UTC), "longer than"),
        (MONDAY, MONDAY, "must be after the start"),
    ],
)
def test_an_absence_out_of_bounds_is_refused_and_nothing_is_written(
    service: Ticketing, start: datetime, end: datetime, says: str
) -> None:
    before = _stored(service.engine)

    with pytest.raises(InvalidInput, match=says):
        service.absences.record(LEADER, start, end, "年假", MONDAY)

    assert _stored(service.engine) == before


def test_a_too_long_reason_is_refused_before_the_database_sees_it(service: Ticketing) -> None:
    with pytest.raises(InvalidInput, match="at most 200 characters"):
        service.absences.record(LEADER, MONDAY, MONDAY + DAY, "假" * 201, MONDAY)
    assert _stored(service.engine)[0] == 0


# --- ending early ---------------------------------------------------------------------------------


def test_ending_early_hands_the_open_tickets_back_with_a_history_entry(service: Ticketing) -> None:
    kept, settled = _open(service), _open(service)
    absence_id = service.absences.record(LEADER, MONDAY, MONDAY + 5 * DAY, "出差", MONDAY + HOUR).id
    assert _holder(service, kept) == _holder(service, settled) == COVER
    service.act(settled.number, "acknowledge", COVER, MONDAY + 2 * HOUR)
    service.act(settled.number, "resolve", COVER, MONDAY + 3 * HOUR, resolution="已换灯泡")
    service.act(
        settled.number, "callback", COVER, MONDAY + 4 * HOUR, reached=True, satisfaction="satisfied", solved=True
    )
    back_at = MONDAY + DAY

    ended = service.absences.end(absence_id, back_at, actor_id=LEADER).absence

    assert ended.ends_at == back_at and not _absent(service, LEADER, back_at)
    detail = service.show(kept.number)
    assert detail.ticket.holder_id == LEADER
    assert (detail.history[-1].action, detail.history[-1].at) == ("handover", back_at)
    assert detail.history[-1].details == {"cause": "back", "to": "S0013"}
    closed = service.show(settled.number)
    assert closed.ticket.state == "closed" and closed.ticket.holder_id == COVER
    assert [e.action for e in closed.history].count("handover") == 1  # only the hand-over when S0013 left
    with pytest.raises(Conflict, match="already over"):
        service.absences.end(absence_id, back_at + HOUR)


def test_a_coming_absence_cannot_be_ended_only_cancelled(service: Ticketing) -> None:
    absence_id = service.absences.record(LEADER, MONDAY + DAY, MONDAY + 2 * DAY, "年假", MONDAY).id
    before = _stored(service.engine)

    with pytest.raises(Conflict, match=r"has not started yet.*cancel it instead"):
        service.absences.end(absence_id, MONDAY)

    assert _stored(service.engine) == before


# --- cancelling -----------------------------------------------------------------------------------


def test_cancelling_a_running_absence_hands_back_and_stops_the_cover(service: Ticketing) -> None:
    ticket = _open(service)
    absence_id = service.absences.record(LEADER, MONDAY, MONDAY + 3 * DAY, "输错了", MONDAY + HOUR).id
    assert _holder(service, ticket) == COVER

    cancelled = service.absences.cancel(absence_id, MONDAY + 2 * HOUR, actor_id=ADMIN).absence

    assert cancelled.cancelled_at == MONDAY + 2 * HOUR
    assert _holder(service, ticket) == LEADER and service.show(ticket.number).history[-1].action == "handover"
    assert not _absent(service, LEADER, MONDAY + DAY)
    later = _open(service, MONDAY + DAY)
    assert later.holder_id == LEADER  # new tickets are no longer routed to the cover
    service.act(ticket.number, "acknowledge", LEADER, MONDAY + DAY)
    service.sweep.run(MONDAY + 2 * DAY)  # within the cancelled period: nothing is handed over again
    assert _holder(service, ticket) == LEADER
    with pytest.raises(Conflict, match="already cancelled"):
        service.absences.cancel(absence_id, MONDAY + DAY)


def test_a_cancelled_coming_absence_never_hands_anything_over(service: Ticketing) -> None:
    ticket = _open(service)
    service.act(ticket.number, "acknowledge", LEADER, MONDAY)
    absence_id = service.absences.record(LEADER, MONDAY + DAY, MONDAY + 2 * DAY, "年假", MONDAY).id

    service.absences.cancel(absence_id, MONDAY + HOUR, actor_id=LEADER)
    service.sweep.run(MONDAY + DAY + HOUR)

    assert not _absent(service, LEADER, MONDAY + DAY + HOUR)
    assert _holder(service, ticket) == LEADER
    assert [e.action for e in service.show(ticket.number).history if e.action == "handover"] == []


# --- who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("change", ["end", "cancel"])
def test_only_the_absent_member_or_an_admin_may_change_an_absence(service: Ticketing, change: str) -> None:
    ticket = _open(service)
    absence_id = service.absences.record(LEADER, MONDAY, MONDAY + 3 * DAY, "出差", MONDAY + HOUR).id
    act: Callable[..., object] = getattr(service.absences, change)
    before = _stored(service.engine)

    for someone_else in (COVER, SUPERVISOR, "S9999"):
        with pytest.raises(NotAllowed, match="their own absences; admins anyone's"):
            act(absence_id, MONDAY + 2 * HOUR, actor_id=someone_else)
    with pytest.raises(NotFound, match="no absence 999"):
        act(999, MONDAY + 2 * HOUR, actor_id=ADMIN)
    with pytest.raises(NotFound, match="no absence"):
        act(10**20, MONDAY + 2 * HOUR, actor_id=ADMIN)

    assert _stored(service.engine) == before and _holder(service, ticket) == COVER
    act(absence_id, MONDAY + 2 * HOUR, actor_id=ADMIN)
    assert _holder(service, ticket) == LEADER


# --- the command line -----------------------------------------------------------------------------

Run = Callable[..., Result]


@pytest.fixture
def run(service: Ticketing, database_url: str) -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--database-url", database_url, *args], catch_exceptions=False)

    return invoke


def test_the_command_line_lists_ends_and_cancels_absences(service: Ticketing, run: Run) -> None:
    ticket = _open(service)
    running = service.absences.record(LEADER, MONDAY, MONDAY + 3 * DAY, "出差", MONDAY + HOUR).id
    coming = service.absences.record(COVER, MONDAY + 5 * DAY, MONDAY + 6 * DAY, "年假", MONDAY + HOUR).id

    listed = run("absence", "list", "--now", "2026-11-23T11:00")
    assert listed.exit_code == 0
    assert f"absence {running}: S0013 2026-11-23 09:00 – 2026-11-26 09:00 away now (出差)" in listed.stdout
    assert f"absence {coming}: S0014" in listed.stdout and "coming (年假)" in listed.stdout
    assert f"absence {coming}" not in run("absence", "list", "--staff", LEADER, "--now", "2026-11-23T11:00").stdout

    ended = run("absence", "end", str(running), "--now", "2026-11-24T09:00")
    assert ended.exit_code == 0 and "2026-11-24 09:00 ended" in ended.stdout
    assert _holder(service, ticket) == LEADER
    cancelled = run("absence", "cancel", str(coming), "--now", "2026-11-24T09:00")
    assert cancelled.exit_code == 0 and cancelled.stdout.startswith(f"absence {coming}: S0014")
    assert cancelled.stdout.rstrip().endswith("cancelled")
    assert run("absence", "list", "--now", "2026-11-24T09:00").stdout == ""

    again = run("absence", "cancel", str(coming), "--now", "2026-11-24T10:00")
    assert again.exit_code == 1 and "already cancelled" in again.stderr
    missing = run("absence", "end", "424242")
    assert missing.exit_code == 1 and "no absence 424242" in missing.stderr
    far = run("staff", "absent", LEADER, "--from", "9999-12-31T00:00", "--to", "9999-12-31T12:00", "--reason", "x")
    assert far.exit_code != 0
    ahead = run("staff", "absent", LEADER, "--from", "2030-01-01T09:00", "--to", "2030-01-02T09:00", "--reason", "x")
    assert ahead.exit_code == 1 and "days in advance" in ahead.stderr
    assert _stored(service.engine)[0] == 2


def test_the_command_line_lists_and_cancels_an_absurd_row_stored_before_the_bounds(
    service: Ticketing, run: Run
) -> None:
    with service.engine.begin() as conn:
        conn.execute(
            absences.insert().values(
                id=7,
                staff_id=LEADER,
                starts_at=datetime(9999, 12, 31, tzinfo=UTC),
                ends_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
                reason="x",
            )
        )

    listed = run("absence", "list")
    assert listed.exit_code == 0 and "absence 7: S0013 9999-12-31 08:00 – 9999-12-31 23:59 UTC coming" in listed.stdout
    assert run("absence", "cancel", "7").exit_code == 0
    assert run("absence", "list").stdout == ""
