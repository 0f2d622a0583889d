"""An admin sends a dead notice again, from the command line or the outbox page: back in the queue, same key.

A notice dies here the honest way, failing eight dispatches in a row; it is
then retried and delivered by a dispatch whose receiver works. A notice that
is not dead is refused, and a refusal changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from ticketing.cli import cli
from ticketing.db.schema import audit_events, notifications
from ticketing.domain.errors import Conflict, NotFound
from ticketing.domain.ticket import Event, Ticket
from ticketing.notify.channels import Message
from ticketing.notify.messages import Renderer
from ticketing.read.outbox import dead_messages
from ticketing.services import Ticketing
from ticketing.services.outbox import backoff, dispatch_due, retry_dead
from ticketing.web.labels import NOTICE_EVENTS

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai; the web app's clock
ADMIN = "S0001"
Run = Callable[..., Result]
Login = Callable[[str], FlaskClient]


class _Broken:
    name = "broken"

    def send(self, message: Message) -> None:
        raise OSError("gateway unreachable")


class _Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.keys: list[str] = []

    def send(self, message: Message) -> None:
        self.keys.append(message.idempotency_key)


@pytest.fixture
def renderer(service: Ticketing) -> Renderer:
    return Renderer("zh_Hans", service.worlds.tz, service.worlds.catalogue)


def _open(service: Ticketing, description: str = "楼道灯不亮") -> Ticket:
    return service.open_ticket(
        category="property_repair",
        description=description,
        contact_phone="13806330000",
        location_id="B01010101",
        now=NOW,
    )


def _fail_until_dead(engine: Engine, renderer: Renderer) -> datetime:
    """Dispatch over a broken channel until every due notice is dead; the time after the last try."""
    now = NOW
    for attempt in range(1, 9):
        dispatch_due(engine, [_Broken()], now, 100, renderer)
        now += backoff(attempt)
    return now


def _row(engine: Engine, notice_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(notifications).where(notifications.c.id == notice_id)).one()


def _rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(notifications).order_by(notifications.c.id)))


@pytest.fixture
def run(database_url: str, service: Ticketing) -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--database-url", database_url, *args], catch_exceptions=False)

    return invoke


# --- the engine ------------------------------------------------------------------------------------


def test_a_retried_notice_is_sent_again_under_the_same_key(
    service: Ticketing, engine: Engine, renderer: Renderer
) -> None:
    _open(service)
    later = _fail_until_dead(engine, renderer)
    [dead] = dead_messages(engine)
    key = _row(engine, dead.id).idempotency_key

    assert retry_dead(engine, [dead.id], later) == [dead.id]

    row = _row(engine, dead.id)
    assert (row.dead_at, row.attempts, row.next_attempt_at, row.idempotency_key) == (None, 0, later, key)
    assert dead_messages(engine) == []
    receiver = _Recorder()
    assert dispatch_due(engine, [receiver], later, 100, renderer).sent == 1
    assert receiver.keys == [key] and _row(engine, dead.id).sent_at == later


def test_a_retried_notice_that_fails_again_gets_eight_fresh_tries(
    service: Ticketing, engine: Engine, renderer: Renderer
) -> None:
    _open(service)
    later = _fail_until_dead(engine, renderer)
    [dead] = dead_messages(engine)
    retry_dead(engine, [dead.id], later)
    report = dispatch_due(engine, [_Broken()], later, 100, renderer)
    assert (report.failed, report.dead) == (1, 0)
    assert _row(engine, dead.id).attempts == 1


def test_only_a_dead_notice_can_be_retried_and_a_refusal_changes_nothing(
    service: Ticketing, engine: Engine, renderer: Renderer
) -> None:
    _open(service, "一号")
    later = _fail_until_dead(engine, renderer)
    _open(service, "二号")  # its notice is queued, not dead
    dead, queued = (row.id for row in _rows(engine))
    before = _rows(engine)

    with pytest.raises(Conflict, match=f"notice {queued} is still being retried"):
        retry_dead(engine, [dead, queued], later)
    with pytest.raises(NotFound, match="there is no notice 999"):
        retry_dead(engine, [999], later)
    assert _rows(engine) == before

    dispatch_due(engine, [_Recorder()], later, 100, renderer)  # delivers the queued one
    with pytest.raises(Conflict, match=f"notice {queued} was delivered"):
        retry_dead(engine, [queued], later)


# --- the command line ------------------------------------------------------------------------------


def test_the_cli_retries_dead_notices_by_id_or_all(
    service: Ticketing, engine: Engine, renderer: Renderer, run: Run
) -> None:
    for n in range(3):
        _open(service, f"楼道灯不亮 {n}")
    later = _fail_until_dead(engine, renderer)
    first, second, third = (row.id for row in _rows(engine))
    listed = run("notify", "dead")
    assert listed.exit_code == 0 and all(f"{i}  " in listed.stdout for i in (first, second, third))

    at = later.isoformat()
    one = run("notify", "retry", str(second), "--now", at)
    assert (one.exit_code, one.stdout) == (0, f"1 notice(s) queued again: {second}\n")
    assert [m.id for m in dead_messages(engine)] == [third, first]  # newest first, the retried one gone

    rest = run("notify", "retry", "--all", "--now", at)
    assert (rest.exit_code, rest.stdout) == (0, f"2 notice(s) queued again: {first} {third}\n")
    assert run("notify", "retry", "--all").stdout == "no dead notices\n"
    sent = run("notify", "dispatch", "--once", "--now", at)
    assert sent.exit_code == 0 and "claimed 3 notice(s): 3 sent" in sent.stdout
    assert all(row.sent_at is not None and row.attempts == 0 for row in _rows(engine))


def test_the_cli_refuses_a_notice_that_is_not_dead(
    service: Ticketing, engine: Engine, renderer: Renderer, run: Run
) -> None:
    _open(service)
    later = _fail_until_dead(engine, renderer)
    _open(service, "二号")
    dead, queued = (row.id for row in _rows(engine))

    refused = run("notify", "retry", str(dead), str(queued))
    assert refused.exit_code == 1
    assert f"error: notice {queued} is still being retried" in refused.stderr
    assert [m.id for m in dead_messages(engine)] == [dead]  # not even the dead one was retried
    assert _row(engine, queued).next_attempt_at == NOW

    assert run("notify", "retry").exit_code == 2  # neither ids nor --all
    assert run("notify", "retry", str(dead), "--all").exit_code == 2
    assert run("notify", "retry", str(dead), "--now", later.isoformat()).exit_code == 0


# --- the admin page --------------------------------------------------------------------------------


def test_the_admin_retries_a_dead_notice_from_the_outbox_page(
    service: Ticketing, engine: Engine, renderer: Renderer, login: Login, clock: list[datetime]
) -> None:
    ticket = _open(service)
    clock[0] = _fail_until_dead(engine, renderer)
    [dead] = dead_messages(engine)
    admin = login(ADMIN)
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert ticket.number in page and f'action="/admin/outbox/{dead.id}/retry"' in page and ">Retry</button>" in page
    assert f">{NOTICE_EVENTS[Event(dead.event)]}</td>" in page  # the event in words, not its code

    done = admin.post(f"/admin/outbox/{dead.id}/retry", follow_redirects=True)

    text = done.get_data(as_text=True)
    assert done.status_code == 200 and f"Notice {dead.id} is queued again" in text
    assert "Every notice was delivered." in text  # no longer listed as given up on
    row = _row(engine, dead.id)
    assert (row.dead_at, row.attempts, row.next_attempt_at) == (None, 0, clock[0])
    assert _audited(engine) == [(ADMIN, "notices_retried", "outbox", {"notices": [str(dead.id)]})]
    trail = admin.get("/admin/audit").get_data(as_text=True)
    assert "Undelivered notices sent again" in trail and f"notices: {dead.id}" in trail
    admin.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    chinese = admin.get("/admin/audit").get_data(as_text=True)
    assert "未送达的通知已重新发送" in chinese and f"通知编号: {dead.id}" in chinese
    assert ">未送达通知</td>" in chinese  # what was retried, in words
    assert ">outbox</td>" not in chinese and "notices:" not in chinese  # no raw code in the Chinese trail


def test_the_admin_is_told_why_a_live_notice_cannot_be_retried(
    service: Ticketing, engine: Engine, login: Login
) -> None:
    _open(service)
    [queued] = _rows(engine)
    refused = login(ADMIN).post(f"/admin/outbox/{queued.id}/retry")
    assert refused.status_code == 409
    assert f"notice {queued.id} is still being retried" in refused.get_data(as_text=True)
    assert _rows(engine) == [queued]
    assert login(ADMIN).post("/admin/outbox/999/retry").status_code == 404
    assert _audited(engine) == []  # a refused retry leaves no audit event


def test_the_retry_button_carries_the_csrf_token(
    app: Flask, service: Ticketing, engine: Engine, renderer: Renderer, login: Login
) -> None:
    _open(service)
    _fail_until_dead(engine, renderer)
    [dead] = dead_messages(engine)
    admin = login(ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    assert admin.post(f"/admin/outbox/{dead.id}/retry").status_code == 400
    page = admin.get("/admin/outbox").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    assert admin.post(f"/admin/outbox/{dead.id}/retry", data={"csrf_token": token[1]}).status_code == 302
    assert dead_messages(engine) == []


def _audited(engine: Engine) -> list[tuple[object, ...]]:
    """The audit events of retries (logging in creates accounts, audited too)."""
    query = select(audit_events.c.actor_id, audit_events.c.action, audit_events.c.subject, audit_events.c.detail)
    query = query.where(audit_events.c.action == "notices_retried")
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query.order_by(audit_events.c.id))]
