"""Supervisors: the overdue board, the three rates with charts, exports, workflow diagrams.

Supervisors see the tickets of their communities and of every community of
their streets; admins see the whole district.  Exports carry the filters of
the page they come from and Chinese or English headers by the reader's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from openpyxl import Workbook
from werkzeug.wrappers import Response
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import Organisation, UnitKind
from ticketing.domain.rates import DEFAULT_WEIGHTS, RateWeights, percent
from ticketing.domain.rules import MAX_TEXT
from ticketing.domain.ticket import Ticket, TicketDetail
from ticketing.read.board import BoardFilter, BoardRow, Scope, board_page, board_rows, open_states
from ticketing.read.rates import MAX_DAYS, Period, RateReport, RateRow, rate_report
from ticketing.web import exports
from ticketing.web.context import now, service, settings
from ticketing.web.errors import message_of, status_of
from ticketing.web.fields import sane_date
from ticketing.web.inputs import MAX_PAGE
from ticketing.web.labels import (
    FLAGS,
    HISTORY_ACTIONS,
    POST_KINDS,
    RATES,
    SATISFACTION,
    UNIT_KINDS,
    label_name,
    lazy_term,
    term,
)
from ticketing.web.nav import requires

bp = Blueprint("supervisor", __name__, url_prefix="/supervise")

WEIGHTS_CONFIG = "TICKETING_RATE_WEIGHTS"  # app.config key: a RateWeights replacing the default weights
DEFAULT_DAYS = 30
CONFLICT_MESSAGE = _l("Someone else changed this ticket — here is the current state.")

# Export column headings, in the reader's language; the domain terms among them come from ``labels``.
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
    *RATES.values(),
)


def _in_scope() -> tuple[Organisation, Scope]:
    """The registry and the communities the current user oversees."""
    with service().engine.connect() as conn:
        org = service().worlds.organisation(conn)
    return org, Scope.of(org, current_user.communities, current_user.streets, current_user.is_admin)


# --- labels shared by pages and exports ------------------------------------------------


@dataclass(frozen=True)
class Labels:
    """Names of what a ticket row refers to, in the reader's language."""

    org: Organisation

    def category(self, code: str) -> str:
        found = service().worlds.catalogue.category(code)
        return label_name(found.label)

    def state(self, ticket: Ticket) -> str:
        state = service().worlds.catalogue.workflows[ticket.workflow].state(ticket.state)
        return label_name(state.label)

    def unit(self, unit_id: str | None) -> str:
        unit = self.org.units.get(unit_id) if unit_id else None
        return unit.name if unit else "—"

    def staff(self, staff_id: str | None) -> str:
        member = self.org.staff.get(staff_id) if staff_id else None
        return f"{member.name} ({member.id})" if member else "—"

    def post(self, post_id: str) -> str:
        post = self.org.posts.get(post_id)
        return term(POST_KINDS, post.kind) if post else post_id

    def flags(self, ticket: Ticket) -> list[str]:
        found = [
            name
            for name, present in (
                ("overdue", ticket.overdue),
                ("escalated", ticket.tier > 0),
                ("review", ticket.needs_review),
                ("ack_late", ticket.ack_late),
                ("urged", ticket.urged_at is not None and ticket.overdue and ticket.clock is None),
                ("warned", ticket.warned_at is not None),
            )
            if present
        ]
        return [term(FLAGS, name) for name in found]


def _span(delta: timedelta) -> str:
    """A length of time in its two largest units: "12 days 5 hours", "3 hours", "20 minutes"."""
    days, rest = divmod(int(abs(delta).total_seconds()) // 60, 24 * 60)
    hours, minutes = divmod(rest, 60)
    amounts = (days, hours, minutes)
    texts = (
        ngettext("%(num)d day", "%(num)d days", days),
        ngettext("%(num)d hour", "%(num)d hours", hours),
        ngettext("%(num)d minute", "%(num)d minutes", minutes),
    )
    largest = next((index for index, amount in enumerate(amounts) if amount), len(amounts) - 1)
    shown = [texts[largest]]
    if largest + 1 < len(amounts) and amounts[largest + 1]:
        shown.append(texts[largest + 1])
    return " ".join(shown)


def _local(moment: datetime | None) -> str:
    return moment.astimezone(settings().tz).strftime("%Y-%m-%d %H:%M") if moment else ""


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"span": _span}


# --- forms ------------------------------------------------------------------------------


class BoardFilterForm(FlaskForm):
    """The board's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    street = SelectField(lazy_term(UNIT_KINDS, UnitKind.STREET), choices=[], default="")
    community = SelectField(lazy_term(UNIT_KINDS, UnitKind.COMMUNITY), choices=[], default="")
    grid = SelectField(lazy_term(UNIT_KINDS, UnitKind.GRID), choices=[], default="")
    tier = SelectField(_l("Tier"), choices=[], default="")
    age = IntegerField(_l("Opened more than … days ago"), validators=[Optional(), NumberRange(min=0, max=3650)])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_PAGE)])

    def limit_to(self, org: Organisation, scope: Scope) -> BoardFilterForm:
        """Offer only the streets, communities and grids in scope, and the tiers workflows have."""
        anything = [("", _("Any"))]
        for select, kind in ((self.street, UnitKind.STREET), (self.community, UnitKind.COMMUNITY)):
            select.choices = anything + [(unit.id, unit.name) for unit in scope.units(org, kind)]
        self.grid.choices = anything + [
            (unit.id, f"{unit.name} ({self.community_name(org, unit.parent_id)})")
            for unit in scope.units(org, UnitKind.GRID)
        ]
        tiers = max(len(spec.chain) for spec in service().worlds.catalogue.workflows.values())
        self.tier.choices = anything + [(str(n), _("Tier %(number)d", number=n + 1)) for n in range(tiers)]
        return self

    @staticmethod
    def community_name(org: Organisation, unit_id: str | None) -> str:
        unit = org.units.get(unit_id) if unit_id else None
        return unit.name if unit else ""

    def filters(self) -> BoardFilter:
        return BoardFilter(
            street_id=self.street.data or None,
            community_id=self.community.data or None,
            grid_id=self.grid.data or None,
            tier=int(self.tier.data) if self.tier.data else None,
            min_age_days=self.age.data,
        )


def _board_form(org: Organisation, scope: Scope) -> BoardFilterForm:
    return BoardFilterForm(formdata=request.args).limit_to(org, scope)


class NoteForm(FlaskForm):
    """A supervision note (督办意见) on one ticket; ``version`` is the version the supervisor saw."""

    version = IntegerField(validators=[InputRequired()])
    text = TextAreaField(_l("Supervision note"), validators=[InputRequired(), Length(max=MAX_TEXT)])


class ExtendForm(FlaskForm):
    """A deadline extension (延期), approved by the supervisor before the deadline passes."""

    version = IntegerField(validators=[InputRequired()])
    by = StringField(
        _l("Extend by"),
        validators=[
            InputRequired(),
            Regexp(r"^\s*[1-9]\d{0,3}\s*[mhd]\s*$", message=_l("Write a working time such as 30m, 4h or 2d.")),
        ],
    )
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=MAX_TEXT)])


def _note_form(number: str) -> NoteForm:
    return NoteForm(prefix=f"note-{number}")


def _extend_form(number: str) -> ExtendForm:
    return ExtendForm(prefix=f"extend-{number}")


@dataclass
class RowForms:
    """The two action forms of one board row, and why the last attempt was refused."""

    note: NoteForm
    extend: ExtendForm
    refusal: str = ""
    refused: str = ""  # "note" or "extend": the form the refusal belongs to
    open: bool = False


@dataclass
class Failed:
    """A refused or invalid action, re-shown with what the supervisor typed."""

    ticket: Ticket
    forms: RowForms
    status: int


class PeriodForm(FlaskForm):
    """The period the rates are computed over (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    first = DateField(_l("From"), validators=[Optional(), sane_date], default=lambda: _default_period()[0])
    last = DateField(_l("To"), validators=[Optional(), sane_date], default=lambda: _default_period()[1])

    def validate_last(self, last: DateField) -> None:
        first = self.first.data or _default_period()[0]
        end = last.data or _default_period()[1]
        if end < first:
            raise ValidationError(_("The end of the period is before its start."))
        if (end - first).days + 1 > MAX_DAYS:
            raise ValidationError(_("Choose at most %(days)d days.", days=MAX_DAYS))

    def period(self) -> Period:
        default_first, default_last = _default_period()
        return Period(self.first.data or default_first, self.last.data or default_last, settings().tz)


def _default_period() -> tuple[date, date]:
    """The last 30 days, today included, in the district's time zone."""
    today = now().astimezone(settings().tz).date()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _open_states() -> list[str]:
    return open_states(service().worlds.catalogue.workflows.values())


def _weights() -> RateWeights:
    return current_app.config.get(WEIGHTS_CONFIG, DEFAULT_WEIGHTS)


# --- the overdue board ------------------------------------------------------------------


@bp.get("/board")
@requires("supervisor")
def board() -> tuple[str, int]:
    """Tickets overdue, escalated or waiting for review in the supervisor's area, oldest first."""
    return _render_board()


def _render_board(failed: Failed | None = None) -> tuple[str, int]:
    org, scope = _in_scope()
    form = _board_form(org, scope)
    page = None
    if form.validate():
        with service().engine.connect() as conn:
            page = board_page(conn, scope, form.filters(), _open_states(), now(), form.page.data or 1)
    rows = list(page.rows) if page else []
    if failed and all(row.ticket.number != failed.ticket.number for row in rows):
        rows.insert(0, BoardRow(failed.ticket, None, None))
    forms = {row.ticket.number: _fresh_forms(row.ticket.number) for row in rows}
    if failed:
        forms[failed.ticket.number] = failed.forms
    query = {key: value for key, value in request.args.items() if key != "page"}
    status = failed.status if failed else (200 if page else 400)
    return (
        render_template(
            "supervisor/board.html",
            form=form,
            page=page,
            rows=rows,
            forms=forms,
            labels=Labels(org),
            now=now(),
            query=query,
        ),
        status,
    )


def _fresh_forms(number: str) -> RowForms:
    return RowForms(_note_form(number), _extend_form(number))


def _ticket_in_scope(number: str) -> TicketDetail:
    """The ticket, if the current user oversees it; a ticket outside their area does not exist for them."""
    detail = service().show(number)
    if not current_user.can_see(detail.ticket):
        abort(404)
    return detail


@bp.post("/board/<ticket:number>/note")
@requires("supervisor")
def note(number: str) -> Response | tuple[str, int]:
    """Add a supervision note (督办) to a ticket on the board."""
    ticket = _ticket_in_scope(number).ticket
    forms = RowForms(_note_form(number), _extend_form(number), open=True)
    form = forms.note
    if not form.validate_on_submit():
        return _render_board(Failed(ticket, forms, 400))
    return _act(ticket, forms, "note", {"text": form.text.data}, form.version.data, _("Supervision note added"))


@bp.post("/board/<ticket:number>/extend")
@requires("supervisor")
def extend(number: str) -> Response | tuple[str, int]:
    """Extend a ticket's running deadline (延期), before it passes."""
    ticket = _ticket_in_scope(number).ticket
    forms = RowForms(_note_form(number), _extend_form(number), open=True)
    form = forms.extend
    if not form.validate_on_submit():
        return _render_board(Failed(ticket, forms, 400))
    params = {"by": "".join(form.by.data.split()), "reason": form.reason.data}
    return _act(ticket, forms, "extend", params, form.version.data, term(HISTORY_ACTIONS, "extend"))


def _act(
    ticket: Ticket,
    forms: RowForms,
    action: str,
    params: dict[str, str],
    expected_version: int,
    done: str,
) -> Response | tuple[str, int]:
    """Apply the action; a stale version shows the current state, a refusal is shown next to the form."""
    try:
        service().act(ticket.number, action, current_user.id, now(), expected_version=expected_version, **params)
    except Conflict:
        detail = service().show(ticket.number)
        org, _scope = _in_scope()
        return (
            render_template(
                "supervisor/conflict.html",
                detail=detail,
                forms=forms,
                labels=Labels(org),
                now=now(),
                query=request.args,
                message=CONFLICT_MESSAGE,
            ),
            409,
        )
    except (NotAllowed, InvalidInput) as error:
        forms.refusal, forms.refused = message_of(error), action
        current = service().show(ticket.number).ticket
        return _render_board(Failed(current, forms, status_of(error)))
    flash(f"{done}: {ticket.number}")
    query: dict[str, Any] = request.args.to_dict()
    return redirect(url_for("supervisor.board", **query))


# --- board exports ------------------------------------------------------------------------


def _board_table(labels: Labels, rows: Iterable[BoardRow], at: datetime) -> Iterable[list[object]]:
    for row in rows:
        ticket = row.ticket
        yield [
            ticket.number,
            labels.category(ticket.category),
            labels.state(ticket),
            labels.unit(ticket.street_id),
            labels.unit(ticket.community_id),
            labels.unit(ticket.grid_id),
            ticket.tier + 1,
            labels.post(ticket.post_id),
            labels.staff(ticket.holder_id),
            labels.staff(ticket.first_responder_id),
            _local(ticket.created_at),
            round((at - ticket.created_at).total_seconds() / 86400, 1),
            _local(ticket.due_at),
            _local(row.overdue_since),
            "; ".join(labels.flags(ticket)),
        ]


def _board_export(write: Callable[[str, Sequence[str], Iterable[Sequence[object]]], Response]) -> Response:
    org, scope = _in_scope()
    form = _board_form(org, scope)
    if not form.validate():
        abort(400)
    at = now()
    with service().engine.connect() as conn:
        table = list(_board_table(Labels(org), board_rows(conn, scope, form.filters(), _open_states(), at), at))
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


def _csv(name: str, headers: Sequence[str], table: Iterable[Sequence[object]]) -> Response:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(exports.csv_row(headers))
    writer.writerows(exports.csv_row([percent(v.value) if isinstance(v, _Rate) else v for v in line]) for line in table)
    return Response(
        out.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        content_type="text/csv; charset=utf-8",
    )


def _xlsx(name: str, headers: Sequence[str], table: Iterable[Sequence[object]]) -> Response:
    book = Workbook()
    sheet = book.active
    sheet.title = name[:31]
    exports.append_row(sheet, headers)
    for line in table:
        exports.append_row(sheet, [_cell(value) for value in line])
        for cell, value in zip(sheet[sheet.max_row], line, strict=True):
            if isinstance(value, _Rate) and value.value is not None:
                cell.number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return Response(
        out.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _cell(value: object) -> object:
    """A rate is a fraction formatted as a percentage in Excel, or ``—`` without a base."""
    if isinstance(value, _Rate):
        return percent(None) if value.value is None else value.value
    return value


@dataclass(frozen=True)
class _Rate:
    """A rate in an export: a percentage cell in Excel, ``66.7%`` (or ``—``) in CSV."""

    value: float | None


# --- the three rates ----------------------------------------------------------------------


@dataclass
class RatesView:
    """The report with names, ready for the tables, the charts and the exports."""

    report: RateReport
    org: Organisation
    titles: dict[UnitKind, str] = field(default_factory=dict)

    def name(self, row: RateRow) -> str:
        unit = self.org.units.get(row.unit_id) if row.unit_id else None
        return unit.name if unit else _("(none)")

    def week(self, period: Period) -> str:
        return f"{period.first:%m-%d}–{period.last:%m-%d}"

    def items(self, level: UnitKind) -> list[tuple[str, str, RateRow]]:
        """The rows of one level with their names and unit ids, for the tables."""
        return [(self.name(row), row.unit_id or "", row) for row in self.report.levels[level]]

    def week_items(self) -> list[tuple[str, str, RateRow]]:
        return [(self.week(week), week.first.isoformat(), row) for week, row in self.report.weeks]

    def chart(self) -> dict[str, Any]:
        """What the charts draw, as JSON: rates in percent, null where the base is empty."""

        def series(rows: Sequence[RateRow]) -> dict[str, list[float | None]]:
            return {key: [_percent_number(getattr(r.rates, key)) for r in rows] for key in RATES}

        return {
            "series": [{"key": key, "label": str(label)} for key, label in RATES.items()],
            "levels": [
                {"id": level.value, "title": title, "labels": [self.name(r) for r in rows], "data": series(rows)}
                for level, rows in self.report.levels.items()
                for title in [self.titles[level]]
            ],
            "trend": {
                "title": _("Weekly trend"),
                "labels": [self.week(week) for week, _row in self.report.weeks],
                "data": series([row for _week, row in self.report.weeks]),
            },
        }

    def table(self) -> Iterable[list[object]]:
        """Every row of the report for exports: each level, the weeks, and the total."""
        for level, rows in self.report.levels.items():
            for row in rows:
                yield self._line(term(UNIT_KINDS, level), row.unit_id or "", self.name(row), row)
        for week, row in self.report.weeks:
            yield self._line(_("Week"), week.first.isoformat(), self.week(week), row)
        yield self._line(_("Total"), "", _("All in scope"), self.report.overall)

    @staticmethod
    def _line(level: str, unit_id: str, name: str, row: RateRow) -> list[object]:
        c = row.counts
        return [
            level,
            unit_id,
            name,
            c.base,
            c.responded,
            c.satisfied,
            c.basically_satisfied,
            *(_Rate(getattr(row.rates, key)) for key in RATES),
        ]


def _percent_number(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _rates_view() -> tuple[PeriodForm, RatesView | None]:
    org, scope = _in_scope()
    form = PeriodForm(formdata=request.args)
    if not form.validate():
        return form, None
    with service().engine.connect() as conn:
        report = rate_report(conn, org, scope, form.period(), _weights())
    titles = {
        UnitKind.STREET: _("Streets"),
        UnitKind.COMMUNITY: _("Communities"),
        UnitKind.GRID: _("Grids"),
    }
    return form, RatesView(report, org, titles)


@bp.get("/rates")
@requires("supervisor")
def rates() -> tuple[str, int]:
    """Response, resolution and satisfaction rates per grid, community and street, with charts and trend."""
    form, view = _rates_view()
    if view is None:
        return render_template("supervisor/rates.html", form=form, view=None, weights=_weights()), 400
    return (
        render_template(
            "supervisor/rates.html",
            form=form,
            view=view,
            report=view.report,
            chart=view.chart(),
            weights=_weights(),
            percent=percent,
            query=request.args,
        ),
        200,
    )


def _rates_export(write: Callable[[str, Sequence[str], Iterable[Sequence[object]]], Response]) -> Response:
    _form, view = _rates_view()
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


# --- workflows ----------------------------------------------------------------------------


@bp.get("/workflows")
@requires("supervisor")
def workflows() -> str:
    """Each workflow's diagram (drawn by Mermaid) and its chain with deadlines, categories and locations."""
    catalogue = service().worlds.catalogue
    shown = [(spec, catalogue.machines[name].mermaid()) for name, spec in catalogue.workflows.items()]
    return render_template("supervisor/workflows.html", shown=shown)
