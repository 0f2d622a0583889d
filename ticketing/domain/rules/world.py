"""What every rule is given besides the ticket, and the text checks every rule applies.

Kept apart so that each rule module imports it and none imports another just
for a type or a length check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Protocol

from ticketing.domain.coverage import Absent
from ticketing.domain.errors import InvalidInput, NotFound
from ticketing.domain.field_rules import CONTROL, MAX_TEXT
from ticketing.domain.guards import ActionContext
from ticketing.domain.org import Organisation, Post
from ticketing.domain.ticket import Ticket
from ticketing.domain.workflow import Action, Duration, WorkflowSpec


def refuse_control(field: str, text: str) -> str:
    """``text`` unchanged, or InvalidInput if it holds a control character (a NUL cannot even be stored)."""
    if CONTROL.search(text):
        raise InvalidInput("%(field)s: control characters are not allowed", field=field)
    return text


def said(field: str, text: str, limit: int = MAX_TEXT) -> str:
    """``text`` stripped, or InvalidInput if it is longer than a staff member's entry may be."""
    if len(text) > limit:
        raise InvalidInput(
            "%(field)s: at most %(limit)d characters, got %(length)d", field=field, limit=limit, length=len(text)
        )
    return text.strip()


class WorkCalendar(Protocol):
    tz: tzinfo

    def local(self, moment: datetime) -> str: ...

    def add(self, start: datetime, duration: Duration) -> datetime: ...

    def add_seconds(self, start: datetime, seconds: float) -> datetime: ...

    def working_seconds(self, start: datetime, end: datetime) -> float: ...

    @property
    def workday_seconds(self) -> float: ...

    def opening_of_workday(self, start: datetime, days: int) -> datetime: ...

    def next_working_moment(self, moment: datetime) -> datetime: ...


class StateMachine(Protocol):
    def fire(self, ticket: Ticket, action: Action, ctx: ActionContext) -> str: ...


@dataclass(frozen=True, slots=True)
class World:
    """Everything a rule needs to know besides the ticket: registry, workflows, calendars, absences."""

    org: Organisation
    workflows: Mapping[str, WorkflowSpec]
    machines: Mapping[str, StateMachine]
    calendar_for: Callable[[str], WorkCalendar]
    absent: Absent

    def spec(self, ticket: Ticket) -> WorkflowSpec:
        return self.workflows[ticket.workflow]

    def post(self, post_id: str) -> Post:
        try:
            return self.org.posts[post_id]
        except KeyError:
            raise NotFound("unknown post %(post)r", post=post_id) from None
