"""What supervisors read: the overdue board and the three rates (三率)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, WithJsonSchema

from ticketing.domain.cooperation import MediationOutcome
from ticketing.domain.field_rules import MAX_PAGE
from ticketing.domain.org import UnitKind
from ticketing.domain.rates import RateWeights
from ticketing.domain.rules import World
from ticketing.read import rates
from ticketing.read.board import BoardRow
from ticketing.read.queues import deadline_of
from ticketing.read.rates import Period
from ticketing.schemas.base import Answer, Request, Time, local_time
from ticketing.schemas.fields import IDENTIFIER, MaybeDay, choice, integer, text
from ticketing.schemas.tickets import Count, TicketSummary, summary_fields

LEVELS = (UnitKind.STREET.value, UnitKind.COMMUNITY.value, UnitKind.GRID.value)
Level = Annotated[str, WithJsonSchema({"type": "string", "enum": list(LEVELS)})]
Rate = float | None
Unit = Annotated[str | None, text(IDENTIFIER, required=False)]
Tier = Annotated[int | None, integer(minimum=0, maximum=20, query=True)]
Days = Annotated[int | None, integer(minimum=0, maximum=3650, query=True)]
PageNumber = Annotated[int, integer(minimum=1, maximum=MAX_PAGE, query=True)]
LevelChoice = Annotated[str, choice(LEVELS)]


class BoardQuery(Request):
    street: Unit = Field(None, description="Only this street.")
    community: Unit = Field(None, description="Only this community.")
    grid: Unit = Field(None, description="Only this grid.")
    tier: Tier = Field(None, description="Only tickets at this tier of their chain (0: the first).")
    min_age_days: Days = Field(None, description="Only tickets opened more than this many days ago.")
    page: PageNumber = Field(1, description="Page number.")


class RateQuery(Request):
    first: MaybeDay = Field(None, alias="from", description="First day of the period (default: 30 days ago).")
    last: MaybeDay = Field(
        None, alias="to", description="Last day of the period, included (default: today); at most 366 days in all."
    )
    level: LevelChoice = Field(UnitKind.COMMUNITY.value, description="Rows per street, community or grid.")


class BoardItem(TicketSummary):
    """A ticket on the board, and since when it is overdue or waiting for review."""

    overdue_since: Time | None
    review_since: Time | None

    @classmethod
    def of_row(cls, world: World, row: BoardRow, at: datetime, tz: ZoneInfo) -> BoardItem:
        return cls.model_validate(
            {
                **summary_fields(world, row.ticket, deadline_of(world, row.ticket, at), tz),
                "overdue_since": local_time(row.overdue_since, tz),
                "review_since": local_time(row.review_since, tz),
            }
        )


class BoardPage(Answer):
    items: list[BoardItem]
    page: Annotated[int, Field(ge=1)]
    per_page: Count
    total: Count
    pages: Count


class RateCounts(Answer):
    """The rate base's counts, then, apart: how the base was called back and what stays outside it."""

    base: Count
    responded: Count
    satisfied: Count
    basically_satisfied: Count
    solved: Count = Field(description="Base tickets the resident said are solved (问题是否解决).")
    by_phone: Count
    by_link: Count
    by_visit: Count
    checked: Count = Field(description="Outside the base: nobody to reach, closed on a checked result.")
    terminated: Count = Field(description="Outside the base: 诉求终结 approved by a supervisor.")
    returned: Count = Field(description="Outside the base: sent back to the resident (不予受理).")


class Rates(Answer):
    """Fractions between 0 and 1; null when the base is empty."""

    response: Rate
    resolution: Rate
    satisfaction: Rate
    total: Rate


class RateCells(Answer):
    counts: RateCounts
    rates: Rates


def _cells(row: rates.RateRow) -> dict[str, RateCounts | Rates]:
    """A row's counts and rates, as ``RateCells`` fields (a module function: the field ``rates`` hides the module)."""
    c, r = row.counts, row.rates
    counts = RateCounts.model_validate({f.name: getattr(c, f.name) for f in fields(c)})
    return {
        "counts": counts,
        "rates": Rates(response=r.response, resolution=r.resolution, satisfaction=r.satisfaction, total=r.total),
    }


class RateRow(RateCells):
    unit_id: str | None
    name: str


class RateWeek(RateCells):
    first: date = Field(alias="from")
    last: date = Field(alias="to")


class Weights(Answer):
    response: float
    resolution: float
    satisfaction: float
    basically_satisfied: float


class RateReport(Answer):
    first: date = Field(alias="from")
    last: date = Field(alias="to")
    level: Level
    weights: Weights
    rows: list[RateRow]
    overall: RateCells
    weeks: list[RateWeek]
    mediations: dict[MediationOutcome, int] = Field(
        description="Disputes whose mediation (调解) was recorded in the period, per outcome."
    )

    @classmethod
    def of(
        cls,
        period: Period,
        level: UnitKind,
        weights: RateWeights,
        rows: list[tuple[rates.RateRow, str]],
        overall: rates.RateRow,
        weeks: list[tuple[Period, rates.RateRow]],
        mediations: Mapping[MediationOutcome, int],
    ) -> RateReport:
        """The report of ``period`` at ``level``: each row with its unit's name."""
        return cls.model_validate(
            {
                "from": period.first,
                "to": period.last,
                "level": level.value,
                "weights": Weights(
                    response=weights.response,
                    resolution=weights.resolution,
                    satisfaction=weights.satisfaction,
                    basically_satisfied=weights.basically_satisfied,
                ),
                "rows": [RateRow(unit_id=row.unit_id, name=name, **_cells(row)) for row, name in rows],
                "overall": RateCells(**_cells(overall)),
                "weeks": [
                    RateWeek.model_validate({"from": week.first, "to": week.last, **_cells(row)}) for week, row in weeks
                ],
                "mediations": dict(mediations),
            }
        )
