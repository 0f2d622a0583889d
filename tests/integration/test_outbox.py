"""The notification outbox: retried with backoff until delivered, dead after N failures, never lost.

The proof runs real receivers on loopback — an SMTP server (aiosmtpd) and an
HTTP webhook receiver — that are down for the first dispatch and up for the
next; the dispatcher's clock is injected.
"""

from __future__ import annotations

import email
import hmac
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select

from ticketing.db.schema import notifications
from ticketing.domain.ticket import Event
from ticketing.notify.channels import (
    SIGNATURE_HEADER,
    Message,
    RecordingSms,
    SmsChannel,
    SmtpChannel,
    WebhookChannel,
    sign,
)
from ticketing.notify.dispatcher import backoff, dead_messages, dispatch_due
from ticketing.notify.messages import LANGUAGES, Facts, Renderer
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
BUILDING = "B01010101"
SECRET = "shared-webhook-secret"
RENDERER = Renderer("zh_Hans", SHANGHAI)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _SmtpInbox:
    def __init__(self) -> None:
        self.keys: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = email.message_from_bytes(envelope.content)
        assert mail["Message-ID"] == f"<{mail['Idempotency-Key']}@ticketing>"
        self.keys.append(mail["Idempotency-Key"])
        return "250 OK"


class _Webhook(ThreadingHTTPServer):
    def __init__(self, port: int, secret: str) -> None:
        super().__init__(("127.0.0.1", port), _WebhookHandler)
        self.secret = secret
        self.keys: list[str] = []
        self.rejected = 0


class _WebhookHandler(BaseHTTPRequestHandler):
    server: _Webhook

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if hmac.compare_digest(self.headers[SIGNATURE_HEADER], sign(self.server.secret, body)):
            self.server.keys.append(self.headers["Idempotency-Key"])
            self.send_response(200)
        else:
            self.server.rejected += 1
            self.send_response(401)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def webhook_port() -> int:
    return _free_port()


def _start_webhook(port: int, secret: str = SECRET) -> _Webhook:
    server = _Webhook(port, secret)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def stop() -> Iterator[list[Any]]:
    """Servers to stop after the test."""
    servers: list[Any] = []
    yield servers
    for server in servers:
        if isinstance(server, Controller):
            server.stop()
        else:
            server.shutdown()
            server.server_close()


def _open_tickets(service: Ticketing, count: int) -> None:
    for i in range(count):
        service.open_ticket(
            category="property_repair",
            description=f"楼道灯不亮 {i}",
            contact_phone="13806330000",
            location_id=BUILDING,
            now=MONDAY,
        )


def _rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(select(notifications).order_by(notifications.c.id)))


def test_nothing_is_lost_while_receivers_are_down_and_all_arrive_once_they_are_up(
    service: Ticketing, engine: Engine, webhook_port: int, stop: list[Any]
) -> None:
    _open_tickets(service, 5)
    rows = _rows(engine)
    assert len(rows) == 5
    smtp_port = _free_port()
    sms = RecordingSms(down=True)
    channels = [
        SmtpChannel(
            f"smtp://127.0.0.1:{smtp_port}", "ticketing@example.org", {r.recipient_id: "a@example.org" for r in rows}
        ),
        WebhookChannel(f"http://127.0.0.1:{webhook_port}/hook", SECRET),
        SmsChannel(sms),
    ]
    now = MONDAY.astimezone(UTC)

    down = dispatch_due(engine, channels, now, batch_size=2, renderer=RENDERER)
    assert (down.claimed, down.sent, down.failed, down.dead) == (5, 0, 5, 0)
    for row in _rows(engine):
        assert row.sent_at is None and row.attempts == 1 and row.next_attempt_at == now + timedelta(seconds=30)
        assert "smtp: ConnectionRefusedError" in row.last_error and "webhook: URLError" in row.last_error
    assert dispatch_due(engine, channels, now + timedelta(seconds=29), 2, RENDERER).claimed == 0

    inbox = _SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    stop.append(controller)
    webhook = _start_webhook(webhook_port)
    stop.append(webhook)
    sms.down = False

    later = now + timedelta(seconds=31)
    up = dispatch_due(engine, channels, later, batch_size=2, renderer=RENDERER)
    assert (up.claimed, up.sent, up.failed) == (5, 5, 0)
    keys = {row.idempotency_key for row in rows}
    for seen in (inbox.keys, webhook.keys, [key for _, _, key in sms.sent]):
        assert set(seen) == keys
        assert max(seen.count(key) for key in keys) <= 2
    assert webhook.rejected == 0
    assert all(row.sent_at == later and row.next_attempt_at is None for row in _rows(engine))
    assert dispatch_due(engine, channels, later + timedelta(days=1), 2, RENDERER).claimed == 0


def test_a_receiver_with_another_secret_rejects_the_signature(
    service: Ticketing, engine: Engine, webhook_port: int, stop: list[Any]
) -> None:
    _open_tickets(service, 1)
    stop.append(_start_webhook(webhook_port, secret="not-the-same"))
    report = dispatch_due(engine, [WebhookChannel(f"http://127.0.0.1:{webhook_port}/", SECRET)], MONDAY, 10, RENDERER)
    assert report.failed == 1
    assert "HTTP Error 401" in _rows(engine)[0].last_error


def test_the_backoff_doubles_from_30_seconds_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


class _Broken:
    name = "broken"

    def send(self, message: Message) -> None:
        raise OSError("gateway unreachable")


def test_a_message_is_dead_after_eight_failures_and_listed(service: Ticketing, engine: Engine) -> None:
    _open_tickets(service, 1)
    now = MONDAY.astimezone(UTC)
    for attempt in range(1, 9):
        report = dispatch_due(engine, [_Broken()], now, 10, RENDERER)
        assert report.claimed == 1
        assert (report.failed, report.dead) == ((1, 0) if attempt < 8 else (0, 1))
        now += backoff(attempt)
    assert dispatch_due(engine, [_Broken()], now + timedelta(days=30), 10, RENDERER).claimed == 0
    [dead] = dead_messages(engine)
    assert dead.attempts == 8 and dead.event == "assigned" and "gateway unreachable" in dead.last_error


def test_a_result_recorded_after_the_lease_ran_out_does_not_overwrite_the_new_claim(
    service: Ticketing, engine: Engine
) -> None:
    _open_tickets(service, 1)
    now = MONDAY.astimezone(UTC)

    class _Slow:
        name = "slow"

        def send(self, message: Message) -> None:
            """While this send hangs, the lease runs out and another dispatcher delivers."""
            inner = dispatch_due(engine, [_Broken()], now + timedelta(minutes=10), 10, RENDERER)
            assert inner.claimed == 1

    report = dispatch_due(engine, [_Slow()], now, 10, RENDERER)
    assert (report.sent, report.lost_lease) == (0, 1)
    [row] = _rows(engine)
    assert row.attempts == 1 and row.sent_at is None


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", list(Event))
def test_every_event_renders_in_both_languages(event: Event, language: str) -> None:
    due = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # 17:30 in Shanghai
    facts = Facts(event, "261123-000001", "property_repair", "阳光小区1号楼", due, "张三")
    text = Renderer(language, SHANGHAI).render(facts)
    assert "261123-000001" in text.subject
    for shown in ("261123-000001", "property_repair", "阳光小区1号楼", "2026-11-24 17:30", "张三"):
        assert shown in text.body
    assert "{" not in text.subject + text.body
