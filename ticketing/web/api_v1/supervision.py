"""What supervisors and admins read: the overdue board (超期督办) and the three rates (三率) of their area."""

from __future__ import annotations

from datetime import date, timedelta

from ticketing.domain.org import UnitKind
from ticketing.read.board import BoardFilter, Overseer, board_page
from ticketing.read.rates import DEFAULT_DAYS, MAX_DAYS, Period, rate_report
from ticketing.schemas import supervision
from ticketing.web.api_errors import ApiError
from ticketing.web.api_v1.auth import supervisor
from ticketing.web.api_v1.blueprint import answers, api, bp
from ticketing.web.context import now, rate_weights, service
from ticketing.web.users import StaffUser


def _overseer(reader: StaffUser) -> Overseer:
    return Overseer(reader.communities, reader.streets, reader.is_admin)


@bp.get("/board")
@api.validate(resp=answers(200, supervision.BoardPage, 403, 422), tags=["supervision"], operation_id="board")
def board(query: supervision.BoardQuery) -> supervision.BoardPage:
    """The overdue board (超期督办) of your communities and streets (supervisors, admins)"""
    reader = supervisor()
    filters = BoardFilter(query.street, query.community, query.grid, query.tier, query.min_age_days)
    at, tz = now(), service().worlds.tz
    page = board_page(service(), _overseer(reader), filters, at, query.page)
    items = [supervision.BoardItem.of_row(page.world, row, at, tz) for row in page.rows]
    return supervision.BoardPage(
        items=items, page=page.page, per_page=page.per_page, total=page.total, pages=page.pages
    )


def _period(first: date | None, last: date | None) -> Period:
    """The asked period, by default the last 30 days; at most a year, within the dates a server can hold."""
    tz = service().worlds.tz
    last = last or now().astimezone(tz).date()
    try:
        first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    except OverflowError:
        first = date.min
    problem = None
    if last < first:
        problem = "the period ends before it starts"
    elif (last - first).days + 1 > MAX_DAYS:
        problem = f"choose at most {MAX_DAYS} days"
    elif first == date.min or last == date.max:
        problem = "choose a period within the calendar"
    if problem:
        raise ApiError(400, "invalid_input", problem, {"from": first.isoformat(), "to": last.isoformat()})
    return Period(first, last, tz)


@bp.get("/rates")
@api.validate(resp=answers(200, supervision.RateReport, 403, 422), tags=["supervision"], operation_id="rates")
def rates(query: supervision.RateQuery) -> supervision.RateReport:
    """The three rates (三率) over a period, per street, community or grid (supervisors, admins)"""
    reader = supervisor()
    period = _period(query.first, query.last)
    level = UnitKind(query.level)
    weights = rate_weights()
    report = rate_report(service(), _overseer(reader), period, weights)
    units = report.org.units

    def name(unit_id: str | None) -> str:
        unit = units.get(unit_id) if unit_id else None
        return unit.name if unit else ""

    rows = [(row, name(row.unit_id)) for row in report.levels[level]]
    return supervision.RateReport.of(period, level, weights, rows, report.overall, report.weeks, report.mediations)
