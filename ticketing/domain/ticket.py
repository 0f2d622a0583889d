"""The ticket aggregate and what one action on it produces.

A ticket's row is its current state; its history is the list of entries its
actions appended.  Every action returns an ``Outcome``: the entries, whether
the running deadline changed, and who must be told.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ticketing.domain.workflow import Clock


class Channel(StrEnum):
    """How the request reached us."""

    WEB = "web"
    PHONE = "phone"  # registered by staff on the resident's behalf
    WALK_IN = "walk_in"  # registered by staff at the service centre
    API = "api"


STAFF_CHANNELS = frozenset({Channel.PHONE, Channel.WALK_IN})


class Event(StrEnum):
    """What a notice tells its recipient."""

    ASSIGNED = "assigned"
    HANDED_OVER = "handed_over"
    ESCALATED = "escalated"
    OVERDUE = "overdue"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CALLBACK_OVERDUE = "callback_overdue"
    UNSTAFFED = "unstaffed"


@dataclass(slots=True)
class Ticket:
    """A resident's request as it stands now (the row in ``tickets``)."""

    id: int
    number: str
    workflow: str
    category: str
    description: str
    channel: Channel
    location_id: str | None
    state: str
    tier: int
    post_id: str
    created_at: datetime
    updated_at: datetime
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    contact_name: str = ""
    contact_phone: str = ""
    street_id: str | None = None
    community_id: str | None = None
    grid_id: str | None = None
    holder_id: str | None = None
    other_holder_tried: bool = False
    first_responder_id: str | None = None
    first_responder_post_id: str | None = None
    clock: Clock | None = None
    due_at: datetime | None = None
    paused_clock: Clock | None = None
    paused_remaining: float | None = None
    overdue: bool = False
    ack_late: bool = False
    needs_review: bool = False
    reopen_count: int = 0
    callback_attempts: int = 0
    satisfaction: str | None = None
    resolution: str | None = None
    referred_to: str | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One immutable line of a ticket's history."""

    at: datetime
    actor_id: str | None
    action: str
    from_state: str | None
    to_state: str
    tier: int
    post_id: str
    holder_id: str | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    recipient_id: str
    event: Event


@dataclass(slots=True)
class Outcome:
    """What an action did, for the persistence adapter to write in one transaction."""

    entries: list[HistoryEntry] = field(default_factory=list)
    deadline_changed: bool = False
    notices: list[Notice] = field(default_factory=list)

    def record(
        self, ticket: Ticket, at: datetime, actor_id: str | None, action: str, from_state: str | None, reason: str = ""
    ) -> None:
        self.entries.append(
            HistoryEntry(
                at, actor_id, action, from_state, ticket.state, ticket.tier, ticket.post_id, ticket.holder_id, reason
            )
        )

    def notify(self, recipient_id: str | None, event: Event) -> None:
        if recipient_id and Notice(recipient_id, event) not in self.notices:
            self.notices.append(Notice(recipient_id, event))
