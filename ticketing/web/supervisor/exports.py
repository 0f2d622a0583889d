"""The board and the rates as CSV and Excel files, with the filters of the page they come from.

Headings follow the reader's language (Chinese or English); cells go
through ``ticketing.web.exports``, which keeps text from running as a formula
and streams the file: the board's rows are read in batches as they are written,
never all at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, tzinfo
from functools import cache

from flask import abort
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import UnitKind
from ticketing.domain.rates import percent
from ticketing.read.board import BoardRow, board_rows
from ticketing.web.context import now, service, settings
from ticketing.web.exports import csv_response, xlsx_response
from ticketing.web.labels import CALLBACK_MEANS, FLAGS, RATES, SATISFACTION, UNIT_KINDS, term
from ticketing.web.nav import requires
from ticketing.web.supervisor.blueprint import bp, in_scope, overseer
from ticketing.web.supervisor.board import Labels, board_form
from ticketing.web.supervisor.rates import Rate, rates_view
from ticketing.web.xlsx_stream import Formatted

Writer = Callable[[str, Sequence[str], Iterable[Sequence[object]]], Response]

# Column headings, in the reader's language; the domain terms among them come from ``labels``.
BOARD_COLUMNS: tuple[LazyString, ...] = (
    _l("Number"),
    _l("Category"),
    _l("State"),
    UNIT_KINDS[UnitKind.STREET],
    UNIT_KINDS[UnitKind.COMMUNITY],
    UNIT_KINDS[UnitKind.GRID],
    _l("Tier"),
    _l("Post"),
    _l("Holder"),
    _l("First responder"),
    _l("Opened"),
    _l("Age (days)"),
    _l("Current deadline"),
    _l("Overdue since"),
    _l("Flags"),
)
RATE_COLUMNS: tuple[LazyString, ...] = (
    _l("Level"),
    _l("ID"),
    _l("Name"),
    _l("Base"),
    _l("Responded in time"),
    SATISFACTION[Satisfaction.SATISFIED],
    SATISFACTION[Satisfaction.BASICALLY_SATISFIED],
    _l("Solved"),
    *RATES.values(),
    *CALLBACK_MEANS.values(),
    _l("Terminated"),
    _l("Returned to the resident"),
)


def _local(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def _board_table(labels: Labels, rows: Iterable[BoardRow], at: datetime) -> Iterator[list[object]]:
    """The board's rows as cells; names are looked up once per export (a board repeats few of them)."""
    tz = settings().tz
    category, unit, post, staff = (
        cache(look_up) for look_up in (labels.category, labels.unit, labels.post, labels.staff)
    )
    states: dict[tuple[str, str], str] = {}
    flags = cache(lambda names: "; ".join(term(FLAGS, name) for name in names))
    for row in rows:
        ticket = row.ticket
        if (key := (ticket.workflow, ticket.state)) not in states:
            states[key] = labels.state(ticket)
        yield [
            ticket.number,
            category(ticket.category),
            states[key],
            unit(ticket.street_id),
            unit(ticket.community_id),
            unit(ticket.grid_id),
            ticket.tier + 1,
            post(ticket.post_id),
            staff(ticket.holder_id),
            staff(ticket.first_responder_id),
            _local(ticket.created_at, tz),
            round((at - ticket.created_at).total_seconds() / 86400, 1),
            _local(ticket.due_at, tz),
            _local(row.overdue_since, tz),
            flags(labels.flag_names(ticket)),
        ]


def _board_export(write: Writer) -> Response:
    org, scope = in_scope()
    form = board_form(org, scope)
    if not form.validate():
        abort(400)
    at = now()
    table = _board_table(Labels(org), board_rows(service(), overseer(), form.filters(), at), at)
    name = f"overdue-board-{at.astimezone(settings().tz):%Y%m%d-%H%M}"
    return write(name, [str(heading) for heading in BOARD_COLUMNS], table)


@bp.get("/board.csv")
@requires("supervisor")
def board_csv() -> Response:
    """The board with the current filters, every page, as CSV (UTF-8 with BOM for Excel)."""
    return _board_export(_csv)


@bp.get("/board.xlsx")
@requires("supervisor")
def board_xlsx() -> Response:
    """The board with the current filters, every page, as an Excel workbook."""
    return _board_export(_xlsx)


def _rates_export(write: Writer) -> Response:
    _form, view = rates_view()
    if view is None:
        abort(400)
    period = view.report.period
    name = f"rates-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    return write(name, [str(heading) for heading in RATE_COLUMNS], list(view.table()))


@bp.get("/rates.csv")
@requires("supervisor")
def rates_csv() -> Response:
    """The rates shown for the chosen period, as CSV (UTF-8 with BOM for Excel)."""
    return _rates_export(_csv)


@bp.get("/rates.xlsx")
@requires("supervisor")
def rates_xlsx() -> Response:
    """The rates shown for the chosen period, as an Excel workbook (rates as percentage cells)."""
    return _rates_export(_xlsx)


def _csv(name: str, headers: Sequence[str], table: Iterable[Sequence[object]]) -> Response:
    lines = ([percent(v.value) if isinstance(v, Rate) else v for v in line] for line in table)
    return csv_response(name, headers, lines)


def _xlsx(name: str, headers: Sequence[str], table: Iterable[Sequence[object]]) -> Response:
    return xlsx_response(name, headers, ([_cell(value) for value in line] for line in table))


def _cell(value: object) -> object:
    """A rate is a fraction formatted as a percentage in Excel, or ``—`` without a base."""
    if isinstance(value, Rate):
        return percent(None) if value.value is None else Formatted(value.value, "0.0%")
    return value
