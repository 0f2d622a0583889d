"""How the staff API says no: one shape for every failure."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ticketing.schemas.base import Answer


class Problem(Answer):
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    message: str = Field(description="Engine messages follow `Accept-Language` (Chinese by default).")
    details: dict[str, Any]


class Error(Answer):
    """`{"error": {"code", "message", "details"}}`; a request that does not fit has `details.fields`."""

    error: Problem
