"""The two kinds of model: a request that fits exactly, and an answer that always has all its fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema

Time = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""A time as RFC 3339 writes it, with its offset (``+00:00`` for UTC too); made by ``local_time``."""


class Request(BaseModel):
    """A request body or query: fields it does not declare are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Answer(BaseModel):
    """An answer: closed (nothing undeclared slips out) and every field present, null when there is no value."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        serialize_by_alias=True,
        validate_by_name=True,
        json_schema_serialization_defaults_required=True,
    )


def local_time(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A time in the district's offset, like ``2026-11-23T09:00:00+08:00``.

    Before standard time zones the offset has seconds (local mean time), which
    RFC 3339 cannot write: such times are given in UTC, as are times at the
    very edge of the calendar (year 1 or 9999) that cannot move into the zone.
    """
    if value is None:
        return None
    try:
        local = value.astimezone(tz)
    except OverflowError:
        return value.astimezone(UTC)
    offset = local.utcoffset()
    return local if offset is not None and offset.seconds % 60 == 0 else value.astimezone(UTC)
