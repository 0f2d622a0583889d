"""Holiday overrides over a real database: they move the next deadline in every process, are audited, and the CLI.

The web page and the staff API call the same use cases: ``web/test_holidays_page.py``,
``api/test_api_v1_holidays.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select

from ticketing.cli import cli
from ticketing.db.schema import audit_events, holiday_overrides
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.domain.errors import Conflict, InvalidInput, NotFound
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
WEDNESDAY = date(2026, 11, 25)
MINUTES = timedelta(minutes=10)


def resolve_by(service: Ticketing) -> date:
    """The local date a request opened and acknowledged on Monday morning must be resolved by (3 working days)."""
    ticket = service.open_ticket(
        category="property_repair",
        description="楼道灯不亮",
        contact_phone="13806330000",
        location_id="B01010101",
        now=MONDAY,
    )
    service.act(ticket.number, "acknowledge", "S0013", MONDAY + MINUTES)
    due = service.show(ticket.number).ticket.due_at
    assert due is not None
    return due.astimezone(SHANGHAI).date()


def audited(engine: Engine) -> list[tuple[object, ...]]:
    query = select(audit_events.c.actor_id, audit_events.c.action, audit_events.c.subject, audit_events.c.detail)
    query = query.where(audit_events.c.action.like("holiday%")).order_by(audit_events.c.id)
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def test_an_override_moves_the_next_deadline_in_another_process_too(service: Ticketing, database_url: str) -> None:
    other_process = create_ticketing(Settings(database_url=database_url), service.engine)
    before = resolve_by(other_process)  # its calendars are cached from here on

    service.holidays.add(WEDNESDAY, "holiday", "区里决定：停水检修", MONDAY, "S0001")

    assert resolve_by(other_process) == before + timedelta(days=1)
    service.holidays.remove(WEDNESDAY, MONDAY, "S0001")
    assert resolve_by(other_process) == before


def test_adding_and_removing_are_audited_with_who_and_why(service: Ticketing) -> None:
    service.holidays.add(date(2027, 2, 20), "workday", " 国办发明电〔2026〕X号 ", MONDAY, "S0001")
    service.holidays.remove(date(2027, 2, 20), MONDAY + MINUTES)

    detail = {"kind": "workday", "reason": "国办发明电〔2026〕X号"}
    assert audited(service.engine) == [
        ("S0001", "holiday_overridden", "2027-02-20", detail),
        (None, "holiday_override_removed", "2027-02-20", detail),
    ]


def test_refused_changes_leave_nothing_behind(service: Ticketing) -> None:
    service.holidays.add(date(2027, 2, 20), "workday", "国办发明电", MONDAY, "S0001")
    with pytest.raises(Conflict):
        service.holidays.add(date(2027, 2, 20), "holiday", "again", MONDAY, "S0001")
    with pytest.raises(InvalidInput):
        service.holidays.add(date(2030, 1, 1), "holiday", "too far", MONDAY, "S0001")
    with pytest.raises(InvalidInput):
        service.holidays.add(date(2027, 2, 7), "holiday", "x" * 201, MONDAY, "S0001")
    with pytest.raises(NotFound):
        service.holidays.remove(date(2027, 2, 7), MONDAY, "S0001")

    with service.engine.connect() as conn:
        assert [row.day for row in conn.execute(select(holiday_overrides))] == [date(2027, 2, 20)]
    assert len(audited(service.engine)) == 1


# --- the command line -----------------------------------------------------------------------------

Run = Callable[..., Result]


@pytest.fixture
def run(service: Ticketing, database_url: str) -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--database-url", database_url, *args], catch_exceptions=False)

    return invoke


def test_the_command_line_lists_adds_and_removes_overrides(service: Ticketing, run: Run) -> None:
    now = "--now", "2026-12-05T09:00"
    added = run("holidays", "add", "2027-02-20", "workday", "--reason", "国办发明电〔2026〕X号", *now)
    assert added.exit_code == 0, added.output
    assert "override added: 2027-02-20 Sat workday (国办发明电〔2026〕X号)" in added.stdout

    listed = run("holidays", "list", *now)
    assert listed.exit_code == 0
    assert "2026: State Council notice loaded" in listed.stdout
    assert "  2026-10-10 Sat  make-up workday  library" in listed.stdout
    assert "  2027-02-20 Sat  make-up workday  override: 国办发明电〔2026〕X号" in listed.stdout
    assert "warning: no State Council notice loaded for 2027" in listed.stderr

    removed = run("holidays", "remove", "2027-02-20", *now)
    assert removed.exit_code == 0
    assert audited(service.engine)[-1][:3] == (None, "holiday_override_removed", "2027-02-20")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("add", "2027-02-30", "workday", "--reason", "x"), "'2027-02-30' is not a date; write it as YYYY-MM-DD"),
        (("add", "2029-02-06", "workday", "--reason", "x"), "overrides are for this year and the next"),
        (("add", "2027-02-20", "workday", "--reason", ""), "give the reason"),
        (("remove", "2027-02-07"), "there is no override on 2027-02-07"),
    ],
)
def test_the_command_line_refuses_with_the_reason(run: Run, args: tuple[str, ...], says: str) -> None:
    refused = run("holidays", *args, "--now", "2026-12-05T09:00")
    assert refused.exit_code == 1
    assert says in refused.stderr
