"""Delivery channels: log, e-mail over SMTP, webhook, SMS.

A channel's ``send`` returns when the message is handed over and raises on any
failure: the dispatcher then retries the whole message later, so every channel
sends the message's idempotency key for receivers to drop repeats.
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
from typing import Any, Protocol
from urllib.parse import urlsplit

log = logging.getLogger("ticketing.notify")
SIGNATURE_HEADER = "X-Ticketing-Signature"
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Message:
    """One rendered notice for one staff member."""

    idempotency_key: str
    event: str
    ticket_number: str
    recipient_id: str
    recipient_name: str
    phone: str
    subject: str
    body: str

    def payload(self) -> dict[str, Any]:
        return {
            "idempotency_key": self.idempotency_key,
            "event": self.event,
            "ticket": self.ticket_number,
            "recipient": self.recipient_id,
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
    """E-mail through an SMTP relay; the key is the ``Message-ID`` and an ``Idempotency-Key`` header."""

    name = "smtp"

    def __init__(self, url: str, mail_from: str, addresses: Mapping[str, str]) -> None:
        parts = urlsplit(url)
        if parts.scheme != "smtp" or not parts.hostname:
            raise ValueError(f"TICKETING_SMTP_URL must look like smtp://host:port, not {url!r}")
        self.host, self.port = parts.hostname, parts.port or 25
        self.mail_from = mail_from
        self.addresses = addresses

    def send(self, message: Message) -> None:
        address = self.addresses.get(message.recipient_id)
        if not address:
            log.info("no e-mail address for staff %s: e-mail skipped", message.recipient_id)
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


class WebhookChannel:
    """HTTP POST of the message as JSON, signed with the shared secret; any non-2xx answer is a failure."""

    name = "webhook"

    def __init__(self, url: str, secret: str) -> None:
        self.url = url
        self.secret = secret

    def send(self, message: Message) -> None:
        body = json.dumps(message.payload(), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.idempotency_key,
            SIGNATURE_HEADER: sign(self.secret, body),
        }
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=TIMEOUT_S):  # raises HTTPError on 4xx/5xx
            pass


class SmsSender(Protocol):
    """An SMS gateway adapter (a provider's API goes behind this)."""

    def send_sms(self, phone: str, text: str, idempotency_key: str) -> None: ...


class SmsChannel:
    """Texts the staff member's phone from the staff table; staff without one are skipped (logged)."""

    name = "sms"

    def __init__(self, sender: SmsSender) -> None:
        self.sender = sender

    def send(self, message: Message) -> None:
        if not message.phone:
            log.info("no phone for staff %s: SMS skipped", message.recipient_id)
            return
        self.sender.send_sms(message.phone, f"{message.subject}\n{message.body}", message.idempotency_key)


@dataclass
class RecordingSms:
    """The SMS test double: records what it was asked to send, or fails while ``down``."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)
    down: bool = False

    def send_sms(self, phone: str, text: str, idempotency_key: str) -> None:
        if self.down:
            raise ConnectionError("SMS gateway down")
        self.sent.append((phone, text, idempotency_key))
