"""Audit events (操作留痕): who changed who may act, and when.

Ticket changes have their history; a change to a post's holders, the
registry and its calendars, an account, an API key, a staff token, a retry of
undelivered notices or a holiday override is an ``AuditEvent``, recorded in
the change's own transaction and shown to admins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

Detail = dict[str, str | int | list[str]]


class AuditAction(StrEnum):
    HOLDERS_CHANGED = "holders_changed"
    REGISTRY_IMPORTED = "registry_imported"  # organisation files and rosters, calendars among them
    ACCOUNT_CREATED = "account_created"
    PASSWORD_CHANGED = "password_changed"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_ACTIVATED = "account_activated"
    API_KEY_CREATED = "api_key_created"
    API_KEY_REVOKED = "api_key_revoked"
    TOKEN_ISSUED = "token_issued"
    TOKEN_REVOKED = "token_revoked"
    NOTICES_RETRIED = "notices_retried"  # dead outbox notices put back in the queue
    HOLIDAY_OVERRIDDEN = "holiday_overridden"  # a date made a holiday or a make-up workday
    HOLIDAY_OVERRIDE_REMOVED = "holiday_override_removed"
    REGISTRANTS_IMPORTED = "registrants_imported"  # 双报到 registrations imported from a file
    REGISTRATION_DECIDED = "registration_decided"  # approved, rejected or left
    VOLUNTEER_LINK_ISSUED = "volunteer_link_issued"  # a registrant's own link issued again


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """``actor_id`` is None for the command line: an operator on the host, not a staff login."""

    at: datetime
    actor_id: str | None
    action: AuditAction
    subject: str
    detail: Detail = field(default_factory=dict)
