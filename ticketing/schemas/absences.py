"""Absences (leave, trips) as the staff API records and lists them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field

from ticketing.domain import org
from ticketing.domain.field_rules import REASON
from ticketing.schemas.base import Answer, Request, Time, local_time
from ticketing.schemas.fields import IDENTIFIER, Moment, text

Whose = Annotated[str | None, text(IDENTIFIER, required=False)]
Reason = Annotated[str, text(REASON)]


class NewAbsence(Request):
    staff_id: Whose = Field(None, description="Whose absence (admins only; default: yourself).")
    starts_at: Moment = Field(description="From (with a time zone offset).")
    ends_at: Moment = Field(description="Until (with a time zone offset).")
    reason: Reason = Field(description="Leave, business trip, meeting…")


class AbsenceQuery(Request):
    staff: Whose = Field(None, description="Whose absences (admins only; default: yourself).")


class NoFields(Request):
    """No fields: send no body or `{}`."""


class Absence(Answer):
    id: int
    staff_id: str
    starts_at: Time
    ends_at: Time
    reason: str
    current: bool
    cancelled_at: Time | None

    @classmethod
    def of(cls, absence: org.Absence, now: datetime, tz: ZoneInfo) -> Absence:
        return cls(
            id=absence.id,
            staff_id=absence.staff_id,
            starts_at=local_time(absence.starts_at, tz),
            ends_at=local_time(absence.ends_at, tz),
            reason=absence.reason,
            current=absence.covers(now),
            cancelled_at=local_time(absence.cancelled_at, tz),
        )


class AbsenceList(Answer):
    items: list[Absence]
