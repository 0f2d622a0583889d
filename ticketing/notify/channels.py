"""Delivery channels: log, e-mail over SMTP, webhook, SMS.

A channel's ``send`` returns when the message is handed over and raises on any
failure: the dispatcher then retries the whole message later, so every channel
sends the message's idempotency key for receivers to drop repeats.

A message is for a staff member or for the ticket's resident. A resident is
written to only by the way they chose: their ``Recipient`` carries their phone
only if they chose SMS and their e-mail address only if they chose e-mail, so
the channels need no rule of their own about it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import urlsplit

from ticketing.domain.ticket import RESIDENT, ResidentChannel

log = logging.getLogger("ticketing.notify")
SIGNATURE_HEADER = "X-Ticketing-Signature"
TIMEOUT_S = 10.0


class Audience(StrEnum):
    """Whom a message is for: told to webhook receivers, who route staff and resident messages apart."""

    STAFF = "staff"
    RESIDENT = "resident"


@dataclass(frozen=True)
class Recipient:
    """Who a message is for and where it may reach them (empty: not that way)."""

    id: str  # a staff id, or RESIDENT
    name: str
    phone: str = ""
    email: str = ""  # a resident's own address; staff addresses are the SMTP channel's map

    @classmethod
    def staff(cls, staff_id: str, name: str, phone: str) -> Recipient:
        return cls(staff_id, name, phone)

    @classmethod
    def resident(cls, name: str, phone: str, email: str, notify_by: ResidentChannel) -> Recipient:
        """The ticket's resident, reachable only by the channel they chose."""
        return cls(
            RESIDENT,
            name,
            phone if notify_by is ResidentChannel.SMS else "",
            email if notify_by is ResidentChannel.EMAIL else "",
        )

    @property
    def audience(self) -> Audience:
        return Audience.RESIDENT if self.id == RESIDENT else Audience.STAFF


@dataclass(frozen=True)
class Message:
    """One rendered notice for one recipient."""

    idempotency_key: str
    event: str
    ticket_number: str
    recipient: Recipient
    subject: str
    body: str

    def payload(self) -> dict[str, Any]:
        """What the log and the webhook carry: never a phone number or an e-mail address."""
        return {
            "idempotency_key": self.idempotency_key,
            "event": self.event,
            "ticket": self.ticket_number,
            "audience": self.recipient.audience.value,
            "recipient": self.recipient.id,
            "subject": self.subject,
            "body": self.body,
        }


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None: ...


class LogChannel:
    """The default: one structured (JSON) line per message on the ``ticketing.notify`` logger."""

    name = "log"

    def send(self, message: Message) -> None:
        log.info("notification %s", json.dumps(message.payload(), ensure_ascii=False, sort_keys=True))


class SmtpChannel:
    """E-mail through an SMTP relay; the key is the ``Message-ID`` and an ``Idempotency-Key`` header.

    Staff addresses come from ``addresses`` (staff id → address: staff have no
    e-mail column); a resident's is their own, when they chose e-mail.
    """

    name = "smtp"

    def __init__(self, url: str, mail_from: str, addresses: Mapping[str, str]) -> None:
        parts = urlsplit(url)
        if parts.scheme != "smtp" or not parts.hostname:
            raise ValueError(f"TICKETING_SMTP_URL must look like smtp://host:port, not {url!r}")
        self.host, self.port = parts.hostname, parts.port or 25
        self.mail_from = mail_from
        self.addresses = addresses

    def address(self, recipient: Recipient) -> str:
        if recipient.audience is Audience.RESIDENT:
            return recipient.email
        return self.addresses.get(recipient.id, "")

    def send(self, message: Message) -> None:
        address = self.address(message.recipient)
        if not address:
            log.info("no e-mail for %s on %s: e-mail skipped", message.recipient.id, message.idempotency_key)
            return
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.mail_from, address, message.subject
        mail["Message-ID"] = f"<{message.idempotency_key}@ticketing>"
        mail["Idempotency-Key"] = message.idempotency_key
        mail.set_content(message.body)
        with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S) as smtp:
            smtp.send_message(mail)


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_signed(url: str, secret: str, payload: dict[str, Any], idempotency_key: str) -> None:
    """POST ``payload`` as JSON, signed with the shared secret; any non-2xx answer raises."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": idempotency_key,
        SIGNATURE_HEADER: sign(secret, body),
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S):  # raises HTTPError on 4xx/5xx
        pass


class WebhookChannel:
    """HTTP POST of the message's payload as JSON, signed with the shared secret."""

    name = "webhook"

    def __init__(self, url: str, secret: str) -> None:
        self.url = url
        self.secret = secret

    def send(self, message: Message) -> None:
        post_signed(self.url, self.secret, message.payload(), message.idempotency_key)


class SmsSender(Protocol):
    """An SMS gateway adapter (a provider's API goes behind this)."""

    def send_sms(self, phone: str, text: str, idempotency_key: str) -> None: ...


class HttpSmsGateway:
    """An SMS gateway reached over HTTP: a signed JSON POST of ``{phone, text, idempotency_key}``.

    The same signature scheme as the webhook, so one small relay in front of a
    provider can check both; the key lets it drop the repeats of a retry.
    """

    def __init__(self, url: str, secret: str) -> None:
        self.url = url
        self.secret = secret

    def send_sms(self, phone: str, text: str, idempotency_key: str) -> None:
        payload = {"phone": phone, "text": text, "idempotency_key": idempotency_key}
        post_signed(self.url, self.secret, payload, idempotency_key)


class SmsChannel:
    """Texts the recipient's phone: a staff member's from the staff table, a resident's if they chose SMS."""

    name = "sms"

    def __init__(self, sender: SmsSender) -> None:
        self.sender = sender

    def send(self, message: Message) -> None:
        phone = message.recipient.phone
        if not phone:
            log.info("no phone for %s on %s: SMS skipped", message.recipient.id, message.idempotency_key)
            return
        self.sender.send_sms(phone, f"{message.subject}\n{message.body}", message.idempotency_key)


@dataclass
class RecordingSms:
    """The SMS test double: records what it was asked to send, or fails while ``down``."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)
    down: bool = False

    def send_sms(self, phone: str, text: str, idempotency_key: str) -> None:
        if self.down:
            raise ConnectionError("SMS gateway down")
        self.sent.append((phone, text, idempotency_key))
