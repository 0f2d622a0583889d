"""From a claimed outbox row to a message sent on every configured channel."""

from __future__ import annotations

from collections.abc import Sequence

from ticketing.db.rows import AnyRow
from ticketing.deploy.datadir import secret_key
from ticketing.deploy.settings import Settings
from ticketing.domain.ticket import RESIDENT, Event, ResidentChannel
from ticketing.notify.channels import (
    Audience,
    Channel,
    HttpSmsGateway,
    LogChannel,
    Message,
    Recipient,
    SmsChannel,
    SmtpChannel,
    WebhookChannel,
)
from ticketing.notify.links import ResidentLinks
from ticketing.notify.messages import Facts, Renderer
from ticketing.workflow.files import Catalogue


def configured_channels(settings: Settings) -> list[Channel]:
    """The log channel, plus e-mail, webhook and SMS when their settings are given."""
    channels: list[Channel] = [LogChannel()]
    if settings.smtp_url:
        channels.append(SmtpChannel(settings.smtp_url, settings.mail_from, settings.staff_emails))
    if settings.webhook_url:
        channels.append(WebhookChannel(settings.webhook_url, settings.webhook_secret))
    if settings.sms_url:
        channels.append(SmsChannel(HttpSmsGateway(settings.sms_url, settings.sms_secret)))
    return channels


def _recipient(row: AnyRow) -> Recipient:
    """The resident from the ticket's contact details, by their chosen channel; staff from the staff table."""
    if row.recipient_id == RESIDENT:
        return Recipient.resident(
            row.contact_name, row.contact_phone, row.contact_email, ResidentChannel(row.notify_by)
        )
    return Recipient.staff(row.recipient_id, row.staff_name or row.recipient_id, row.staff_phone or "")


def renderer_for(settings: Settings, catalogue: Catalogue) -> Renderer:
    """The renderer of this deployment: staff notices in its language, residents' with their private link when
    the public address is set (signed with the secret key the web pages check it with)."""
    links = ResidentLinks(settings.public_url, secret_key(settings)) if settings.public_url else None
    return Renderer(settings.notify_language, settings.tz, catalogue, links)


def full_place(row: AnyRow) -> str:
    """Community · grid · building (or street, shop) · what the resident typed, each named once."""
    parts: list[str] = []
    for part in (row.community_name, row.grid_name, row.location_name, row.address):
        if part and part not in parts:
            parts.append(part)
    return " · ".join(parts)


def message_of(renderer: Renderer, row: AnyRow) -> Message:
    """The message of a claimed notice, in its recipient's words: a resident's in the language they filed in,
    with the whole place and their private link."""
    recipient = _recipient(row)
    resident = recipient.audience is Audience.RESIDENT
    facts = Facts(
        Event(row.event),
        row.number,
        row.workflow,
        row.category,
        row.state,
        full_place(row) if resident else row.address or row.location_name or "",
        row.due_at,
        recipient.name,
        row.resolution or "",
        row.referred_to or "",
        renderer.links(row.number) if resident and renderer.links else "",
    )
    text = renderer.render(facts, row.resident_language if resident else None)
    return Message(row.idempotency_key, row.event, row.number, recipient, text.subject, text.body)


def deliver(channels: Sequence[Channel], message: Message) -> str | None:
    """Send on every channel; the first failure's description, or None when all took it."""
    errors = []
    for channel in channels:
        try:
            channel.send(message)
        except Exception as error:  # any channel failure means "try again later", never a crash of the batch
            errors.append(f"{channel.name}: {type(error).__name__}: {error}")
    return "; ".join(errors) or None
