"""The notification outbox: retried with backoff until delivered, dead after N failures, never lost.

The proof runs real receivers on loopback — an SMTP server (aiosmtpd) and an
HTTP receiver for the webhook and the SMS gateway — that are down for the
first dispatch and up for the next; the dispatcher's clock is injected.
Residents hear only by the channel they chose, and the texts name things, not
codes.
"""

from __future__ import annotations

import email
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import Engine, select

from ticketing.db.schema import notifications
from ticketing.deploy.settings import Settings
from ticketing.domain.ticket import Event, Ticket
from ticketing.notify.channels import (
    SIGNATURE_HEADER,
    HttpSmsGateway,
    LogChannel,
    Message,
    RecordingSms,
    SmsChannel,
    SmtpChannel,
    WebhookChannel,
    sign,
)
from ticketing.notify.delivery import configured_channels
from ticketing.notify.links import ResidentLinks, link_token
from ticketing.notify.messages import LANGUAGES, Facts, Renderer
from ticketing.read.outbox import dead_messages
from ticketing.services import Ticketing
from ticketing.services.outbox import backoff, dispatch_due
from ticketing.workflow.files import load_workflows

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
BUILDING = "B01010101"  # 阳光小区1号楼: building leader A S0013 陈强
SECRET = "shared-webhook-secret"
CATALOGUE = load_workflows([Settings().workflows_path])
RENDERER = Renderer("zh_Hans", SHANGHAI, CATALOGUE)
STAFF_MAIL = "chenqiang@district.example"  # S0013
STAFF_PHONE = "13903139173"  # S0013, from the staff table
RESIDENT_PHONE = "13806335678"
RESIDENT_MAIL = "zhang.ayi@example.org"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _SmtpInbox:
    def __init__(self) -> None:
        self.keys: list[str] = []
        self.mails: list[tuple[list[str], EmailMessage]] = []  # (envelope recipients, mail)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = email.message_from_bytes(envelope.content, _class=EmailMessage, policy=default_policy)
        assert mail["Message-ID"] == f"<{mail['Idempotency-Key']}@ticketing>"
        self.keys.append(mail["Idempotency-Key"])
        self.mails.append((list(envelope.rcpt_tos), mail))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [mail for recipients, mail in self.mails if recipients == [address]]


class _Webhook(ThreadingHTTPServer):
    """A signed-JSON receiver: the webhook's, or the SMS gateway's."""

    def __init__(self, port: int, secret: str) -> None:
        super().__init__(("127.0.0.1", port), _WebhookHandler)
        self.secret = secret
        self.keys: list[str] = []
        self.bodies: list[bytes] = []
        self.rejected = 0

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(body) for body in self.bodies]


class _WebhookHandler(BaseHTTPRequestHandler):
    server: _Webhook

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if hmac.compare_digest(self.headers[SIGNATURE_HEADER], sign(self.server.secret, body)):
            self.server.keys.append(self.headers["Idempotency-Key"])
            self.server.bodies.append(body)
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
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
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


# --- residents hear by the channel they chose ------------------------------------------------------


class _Recorder:
    """A channel that keeps what it was given."""

    name = "recorder"

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def send(self, message: Message) -> None:
        self.messages.append(message)


def _request(service: Ticketing, notify_by: str, **contact: str) -> Ticket:
    """张阿姨's request about the stairway light at 阳光小区1号楼 (no address typed), acknowledged by 陈强."""
    ticket = service.open_ticket(
        category="property_repair",
        description="楼道灯不亮",
        contact_phone=RESIDENT_PHONE,
        contact_name="张阿姨",
        location_id=BUILDING,
        notify_by=notify_by,
        now=MONDAY,
        **contact,
    )
    service.act(ticket.number, "acknowledge", "S0013", MONDAY + timedelta(minutes=10))
    return ticket


def _resolve(service: Ticketing, ticket: Ticket) -> None:
    service.act(ticket.number, "resolve", "S0013", MONDAY + timedelta(minutes=30), resolution="已更换楼道灯泡")


def _close(service: Ticketing, ticket: Ticket) -> None:
    service.act(ticket.number, "callback", "S0013", MONDAY + timedelta(hours=2), satisfaction="satisfied", solved=True)


def _smtp(stop: list[Any]) -> tuple[SmtpChannel, _SmtpInbox]:
    port = _free_port()
    inbox = _SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    stop.append(controller)
    return SmtpChannel(f"smtp://127.0.0.1:{port}", "ticketing@example.org", {"S0013": STAFF_MAIL}), inbox


def test_a_resident_who_chose_email_gets_one_mail_at_their_address_and_staff_mails_are_unchanged(
    service: Ticketing, engine: Engine, stop: list[Any]
) -> None:
    ticket = _request(service, "email", contact_email=RESIDENT_MAIL)
    _resolve(service, ticket)
    smtp, inbox = _smtp(stop)
    sms = RecordingSms()

    report = dispatch_due(engine, [LogChannel(), smtp, SmsChannel(sms)], MONDAY + timedelta(hours=1), 10, RENDERER)

    assert (report.claimed, report.sent) == (3, 3)  # assigned and resolved to 陈强, request_resolved to 张阿姨
    [mail] = inbox.to(RESIDENT_MAIL)
    body = mail.get_content()
    assert mail["Subject"] == f"【办理结果】您的诉求 {ticket.number} 已办理"
    assert body.startswith("张阿姨，您好！您反映的物业维修诉求")
    assert "阳光小区1号楼" in body and "办理结果：已更换楼道灯泡" in body and "电话回访" in body
    assert [m["Subject"] for m in inbox.to(STAFF_MAIL)] == [
        f"【工单派发】{ticket.number} 待您签收",
        f"【工单待回访】{ticket.number} 已办理完毕，请回访",
    ]
    assert len(inbox.mails) == 3  # nobody else was written to
    assert [phone for phone, _text, _key in sms.sent] == [STAFF_PHONE, STAFF_PHONE]  # no text to the resident


def test_a_resident_who_chose_sms_gets_texts_and_no_mail(service: Ticketing, engine: Engine, stop: list[Any]) -> None:
    ticket = _request(service, "sms", contact_email=RESIDENT_MAIL)  # an address given, but SMS chosen
    _resolve(service, ticket)
    _close(service, ticket)
    smtp, inbox = _smtp(stop)
    sms = RecordingSms()

    dispatch_due(engine, [smtp, SmsChannel(sms)], MONDAY + timedelta(hours=3), 10, RENDERER)

    assert inbox.to(RESIDENT_MAIL) == []
    texts = [text for phone, text, _key in sms.sent if phone == RESIDENT_PHONE]
    assert len(texts) == 2
    resolved, closed = texts
    assert resolved.startswith(f"【办理结果】您的诉求 {ticket.number} 已办理\n张阿姨，您好！")
    assert closed.startswith(f"【诉求办结】您的诉求 {ticket.number} 已结束\n")
    assert "最终状态：已办结" in closed and "感谢" in closed


def test_a_resident_without_a_name_is_greeted_all_the_same(service: Ticketing, engine: Engine) -> None:
    ticket = service.open_ticket(
        category="sanitation",
        description="垃圾未清运",
        contact_phone=RESIDENT_PHONE,
        location_id=BUILDING,
        notify_by="sms",
        resident_language="en",
        now=MONDAY,
    )
    service.act(ticket.number, "acknowledge", "S0013", MONDAY + timedelta(minutes=10))
    service.act(
        ticket.number, "refer", "S0013", MONDAY + timedelta(minutes=20), body="区市场监管局", reason="不属社区职责"
    )
    sms = RecordingSms()
    dispatch_due(engine, [SmsChannel(sms)], MONDAY + timedelta(hours=1), 10, Renderer("en", SHANGHAI, CATALOGUE))
    [text] = [text for phone, text, _key in sms.sent if phone == RESIDENT_PHONE]
    place = "海曲社区 · 海曲社区第一网格 · 阳光小区1号楼"  # the resident is told the whole place
    assert f"Hello, your request {ticket.number} (Sanitation) at {place} was handled." in text
    assert "please turn to 区市场监管局" in text and "What was done" not in text


PUBLIC_URL = "https://grid.example.cn"
LINKED = Renderer("zh_Hans", SHANGHAI, CATALOGUE, ResidentLinks(PUBLIC_URL, TEST_SECRET_KEY))
FULL_PLACE = "海曲社区 · 海曲社区第一网格 · 阳光小区1号楼 · 2单元3楼"


def _filed_in(service: Ticketing, language: str) -> Ticket:
    """张阿姨's request about the stairway light, filed in ``language`` with her unit and floor, then resolved."""
    ticket = service.open_ticket(
        category="property_repair",
        description="楼道灯不亮",
        contact_phone=RESIDENT_PHONE,
        contact_name="张阿姨",
        location_id=BUILDING,
        address="2单元3楼",
        notify_by="sms",
        resident_language=language,
        now=MONDAY,
    )
    service.act(ticket.number, "acknowledge", "S0013", MONDAY + timedelta(minutes=10))
    _resolve(service, ticket)
    return ticket


def _texts(engine: Engine) -> dict[str, list[str]]:
    """The texts sent, by phone number."""
    sms = RecordingSms()
    dispatch_due(engine, [SmsChannel(sms)], MONDAY + timedelta(hours=1), 10, LINKED)
    sent: dict[str, list[str]] = {}
    for phone, text, _key in sms.sent:
        sent.setdefault(phone, []).append(text)
    return sent


def test_an_english_filer_is_told_in_english_with_the_private_link_and_the_whole_place(
    service: Ticketing, engine: Engine
) -> None:
    ticket = _filed_in(service, "en")

    sent = _texts(engine)

    [text] = sent[RESIDENT_PHONE]
    assert text.startswith(f"[Handled] Your request {ticket.number} was handled\nDear 张阿姨,")
    assert f"(Property repair) at {FULL_PLACE} was handled." in text
    link = f"{PUBLIC_URL}/r/t/{link_token(TEST_SECRET_KEY, ticket.number)}"
    assert f"here: {link} (your private link" in text
    assert [text[:6] for text in sent[STAFF_PHONE]] == ["【工单派发】", "【工单待回访"]  # the district's language
    assert all("/r/t/" not in text for text in sent[STAFF_PHONE])  # the private link is the resident's only


def test_a_chinese_filer_is_told_in_chinese_with_the_private_link_and_the_whole_place(
    service: Ticketing, engine: Engine
) -> None:
    ticket = _filed_in(service, "zh_Hans")

    [text] = _texts(engine)[RESIDENT_PHONE]

    assert text.startswith(f"【办理结果】您的诉求 {ticket.number} 已办理\n张阿姨，您好！")
    assert f"（编号 {ticket.number}，地点 {FULL_PLACE}）已办理。" in text
    assert f"请在这里告诉我们：{PUBLIC_URL}/r/t/{link_token(TEST_SECRET_KEY, ticket.number)}（" in text


def test_without_a_public_address_the_notice_says_how_to_find_the_request(service: Ticketing, engine: Engine) -> None:
    _filed_in(service, "zh_Hans")
    sms = RecordingSms()

    dispatch_due(engine, [SmsChannel(sms)], MONDAY + timedelta(hours=1), 10, RENDERER)

    [text] = [text for to, text, _key in sms.sent if to == RESIDENT_PHONE]
    assert "/r/t/" not in text and "凭诉求编号和手机号后四位在网上确认" in text


def test_the_webhook_tells_staff_and_resident_messages_apart_without_personal_data(
    service: Ticketing, engine: Engine, webhook_port: int, stop: list[Any]
) -> None:
    ticket = _request(service, "email", contact_email=RESIDENT_MAIL)
    _resolve(service, ticket)
    webhook = _start_webhook(webhook_port)
    stop.append(webhook)
    hook = WebhookChannel(f"http://127.0.0.1:{webhook_port}/hook", SECRET)

    assert dispatch_due(engine, [hook], MONDAY + timedelta(hours=1), 10, RENDERER).sent == 3

    seen = {(p["event"], p["audience"], p["recipient"]) for p in webhook.payloads()}
    assert seen == {
        ("assigned", "staff", "S0013"),
        ("resolved", "staff", "S0013"),
        ("request_resolved", "resident", "@resident"),
    }
    [raw] = [body for body, p in zip(webhook.bodies, webhook.payloads(), strict=True) if p["audience"] == "resident"]
    text = raw.decode()
    assert RESIDENT_MAIL not in text and RESIDENT_PHONE not in text and "example.org" not in text


def test_the_http_sms_gateway_posts_signed_json_when_configured(
    service: Ticketing, engine: Engine, webhook_port: int, stop: list[Any]
) -> None:
    ticket = _request(service, "sms")
    _resolve(service, ticket)
    url = f"http://127.0.0.1:{webhook_port}/sms"
    channels = configured_channels(replace(Settings(), sms_url=url, sms_secret=SECRET))
    assert [channel.name for channel in channels] == ["log", "sms"]
    now = MONDAY.astimezone(UTC) + timedelta(hours=1)

    down = dispatch_due(engine, channels, now, 10, RENDERER)
    assert down.failed == 3 and all("sms: URLError" in row.last_error for row in _rows(engine))
    gateway = _start_webhook(webhook_port)
    stop.append(gateway)
    up = dispatch_due(engine, channels, now + timedelta(minutes=1), 10, RENDERER)

    assert up.sent == 3 and gateway.rejected == 0
    keys = {row.idempotency_key for row in _rows(engine)}
    assert {p["idempotency_key"] for p in gateway.payloads()} == keys == set(gateway.keys)
    to_resident = [p for p in gateway.payloads() if p["phone"] == RESIDENT_PHONE]
    assert len(to_resident) == 1 and to_resident[0]["text"].startswith(f"【办理结果】您的诉求 {ticket.number} 已办理")
    assert sorted(p["phone"] for p in gateway.payloads()) == sorted([RESIDENT_PHONE, STAFF_PHONE, STAFF_PHONE])


def test_a_gateway_with_another_secret_rejects_the_text(
    service: Ticketing, engine: Engine, webhook_port: int, stop: list[Any]
) -> None:
    _open_tickets(service, 1)
    stop.append(_start_webhook(webhook_port, secret="not-the-same"))
    gateway = HttpSmsGateway(f"http://127.0.0.1:{webhook_port}/sms", SECRET)
    assert dispatch_due(engine, [SmsChannel(gateway)], MONDAY, 10, RENDERER).failed == 1
    assert "sms: HTTPError: HTTP Error 401" in _rows(engine)[0].last_error


# --- names, not codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "category", "greeting"),
    [
        ("zh_Hans", "类别 物业维修，地点 阳光小区1号楼。", "陈强，您好"),
        ("en", "category Property repair, at 阳光小区1号楼.", "陈强,"),
    ],
)
def test_texts_name_the_category_and_the_place_not_their_codes(
    language: str, category: str, greeting: str, service: Ticketing, engine: Engine
) -> None:
    _open_tickets(service, 1)  # at a building, no address typed
    recorder = _Recorder()
    dispatch_due(engine, [recorder], MONDAY, 10, Renderer(language, SHANGHAI, CATALOGUE))
    [message] = recorder.messages
    assert category in message.body and message.body.startswith(greeting)
    assert "property_repair" not in message.body and BUILDING not in message.body


def test_a_typed_address_is_shown_as_typed(service: Ticketing, engine: Engine) -> None:
    service.open_ticket(
        category="sanitation",
        description="垃圾未清运",
        contact_phone=RESIDENT_PHONE,
        address="海曲东路10号阳光小区1号楼东侧",
        now=MONDAY,
    )
    recorder = _Recorder()
    dispatch_due(engine, [recorder], MONDAY, 10, RENDERER)
    assert "类别 环境卫生，地点 海曲东路10号阳光小区1号楼东侧。" in recorder.messages[0].body


def _facts(event: Event, **changes: Any) -> Facts:
    due = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # 17:30 in Shanghai
    facts = Facts(event, "261123-000001", "general", "property_repair", "in_progress", "阳光小区1号楼", due, "张三")
    return replace(facts, **changes)


NAMES = {"zh_Hans": "物业维修", "en": "Property repair"}
NO_DEADLINE = {Event.URGED, Event.WARNED, Event.REQUEST_RESOLVED, Event.REQUEST_CLOSED}  # past, or not for residents


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", list(Event))
def test_every_event_renders_in_both_languages(event: Event, language: str) -> None:
    text = Renderer(language, SHANGHAI, CATALOGUE).render(_facts(event, resolution="已更换灯泡"))
    assert "261123-000001" in text.subject
    for shown in ("261123-000001", NAMES[language], "阳光小区1号楼", "张三"):
        assert shown in text.body
    assert ("2026-11-24 17:30" in text.body) == (event not in NO_DEADLINE)
    assert "property_repair" not in text.body and "{" not in text.subject + text.body


@pytest.mark.parametrize(
    ("event", "zh", "en"),
    [
        (Event.HANDED_OVER, "未在时限内签收", "did not acknowledge this ticket in time"),
        (Event.COVERING, "不在岗", "is away, so you cover this ticket"),
        (Event.TAKEN_BACK, "您已返岗", "you are back from your absence"),
        (Event.REASSIGNED, "岗位的人员已调整", "the holders of this ticket's post changed"),
    ],
)
def test_the_a_b_hand_over_notice_says_its_cause(event: Event, zh: str, en: str) -> None:
    chinese = Renderer("zh_Hans", SHANGHAI, CATALOGUE).render(_facts(event)).body
    english = Renderer("en", SHANGHAI, CATALOGUE).render(_facts(event)).body

    assert zh in chinese and en in english
    assert ("未在时限内签收" in chinese) == (event is Event.HANDED_OVER)  # an absence is not a missed deadline


@pytest.mark.parametrize(
    ("state", "zh", "en"),
    [
        ("closed", "最终状态：已办结。", "Final state: Completed."),
        ("closed_unreachable", "最终状态：无法联系，已办结。", "Final state: Closed, resident unreachable."),
        ("returned", "最终状态：不予受理。", "Final state: Returned to resident."),
    ],
)
def test_the_closing_notice_names_the_final_state(state: str, zh: str, en: str) -> None:
    facts = _facts(Event.REQUEST_CLOSED, state=state)
    assert zh in Renderer("zh_Hans", SHANGHAI, CATALOGUE).render(facts).body
    assert en in Renderer("en", SHANGHAI, CATALOGUE).render(facts).body


def test_the_handled_notice_says_what_was_done_or_where_to_turn() -> None:
    zh = Renderer("zh_Hans", SHANGHAI, CATALOGUE)
    done = zh.render(_facts(Event.REQUEST_RESOLVED, resolution="已更换灯泡", recipient_name="")).body
    assert done.startswith("您好！") and "办理结果：已更换灯泡" in done
    referred = zh.render(_facts(Event.REQUEST_RESOLVED, referred_to="区市场监管局")).body
    assert "请向有权处理的机关反映：区市场监管局" in referred and "办理结果：" not in referred


def test_a_code_the_workflows_no_longer_know_is_shown_as_it_is() -> None:
    text = RENDERER.render(_facts(Event.REQUEST_CLOSED, category="street_lights", workflow="retired", state="archived"))
    assert "street_lights" in text.body and "最终状态：archived" in text.body
