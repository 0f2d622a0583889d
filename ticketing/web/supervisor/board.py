"""The overdue board (超期督办): tickets overdue, escalated or waiting for review in the supervisor's area.

Each row carries its two action forms (a note, a deadline extension: ``actions``),
written out as plain HTML with the page's CSRF token: building and rendering two
WTForms forms per row cost most of the page.  A refused action re-shows the board
with its row's forms as submitted (what the supervisor typed, the errors).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ticketing.domain.org import Organisation, UnitKind
from ticketing.domain.rules import MAX_TEXT
from ticketing.domain.ticket import Ticket
from ticketing.read.board import BoardFilter, Scope, board_page, lone_row
from ticketing.web.context import now, service
from ticketing.web.fields import working_time
from ticketing.web.inputs import MAX_PAGE
from ticketing.web.labels import FLAGS, POST_KINDS, UNIT_KINDS, label_name, lazy_term, term
from ticketing.web.nav import requires
from ticketing.web.supervisor.blueprint import bp, in_scope, overseer


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
        return [term(FLAGS, name) for name in self.flag_names(ticket)]

    @staticmethod
    def flag_names(ticket: Ticket) -> tuple[str, ...]:
        """Why the ticket is on the board, and what was done about it: keys of ``FLAGS``."""
        return tuple(
            name
            for name, present in (
                ("overdue", ticket.overdue),
                ("escalated", ticket.tier > 0),
                ("review", ticket.needs_review),
                ("ack_late", ticket.ack_late and ticket.acknowledged_at is not None),
                ("ack_missed", ticket.ack_late and ticket.acknowledged_at is None),
                ("urged", ticket.urged_at is not None and ticket.overdue and ticket.clock is None),
                ("warned", ticket.warned_at is not None),
            )
            if present
        )


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


def board_form(org: Organisation, scope: Scope) -> BoardFilterForm:
    """The filters of the request, offering the choices of the supervisor's area."""
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
            working_time,
        ],
    )
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=MAX_TEXT)])


@dataclass
class RowForms:
    """The two action forms of one board row as submitted, and why the attempt was refused.

    They read and check a submission; the board writes every row's forms out itself (``row_actions`` in
    ``supervisor/_actions.html``), from these only for the row whose submission it shows again.
    """

    note: NoteForm
    extend: ExtendForm
    refusal: str = ""
    refused: str = ""  # "note" or "extend": the form the refusal belongs to
    open: bool = False

    @classmethod
    def of(cls, number: str, open: bool = False) -> RowForms:
        """The forms of the ticket's row, filled from the request when it posted one of them."""
        return cls(NoteForm(prefix=f"note-{number}"), ExtendForm(prefix=f"extend-{number}"), open=open)


@dataclass
class Failed:
    """A refused or invalid action, re-shown with what the supervisor typed."""

    ticket: Ticket
    forms: RowForms
    status: int


@bp.get("/board")
@requires("supervisor")
def board() -> tuple[str, int]:
    """Tickets overdue, escalated or waiting for review in the supervisor's area, oldest first."""
    return render_board()


def render_board(failed: Failed | None = None) -> tuple[str, int]:
    """The board with the request's filters; a failed action's ticket is shown first if it is not on the page."""
    org, scope = in_scope()
    form = board_form(org, scope)
    page = None
    if form.validate():
        page = board_page(service(), overseer(), form.filters(), now(), form.page.data or 1)
    rows = list(page.rows) if page else []
    if failed and all(row.ticket.number != failed.ticket.number for row in rows):
        rows.insert(0, lone_row(service(), failed.ticket, now()))
    forms = {failed.ticket.number: failed.forms} if failed else {}
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
