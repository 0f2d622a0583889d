"""Volunteer help (志愿协助) on the ticket page: the ticket's needs with their claims, and the form to ask for help.

A ticket's needs are read only when its history says help was asked for: most ticket pages read nothing more.
Claimants' phones are shown only to staff of the ticket's community; names to whoever sees the ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ticketing.domain.ticket import HistoryAction
from ticketing.domain.volunteering import ticket_help
from ticketing.domain.volunteering.model import ItemKind
from ticketing.domain.volunteering.service_list import MAX_DESCRIPTION, MAX_HOURS_EACH, MAX_TITLE, Draft
from ticketing.read.queues import TicketView
from ticketing.read.service_list import Need, ticket_needs
from ticketing.web.context import now, service
from ticketing.web.fields import sane_date, stripped

WEEK = timedelta(days=7)


class AskHelpForm(FlaskForm):
    """A need for the ticket's community's service list: it is public, so no resident's personal data."""

    title = StringField(
        _l("Title"), filters=[stripped], validators=[DataRequired(_l("Give a title.")), Length(max=MAX_TITLE)]
    )
    description = TextAreaField(
        _l("Public description"),
        filters=[stripped],
        validators=[DataRequired(_l("Say what help is needed.")), Length(max=MAX_DESCRIPTION)],
    )
    people = IntegerField(
        _l("People wanted"),
        default=1,
        validators=[
            InputRequired(_l("How many people?")),
            NumberRange(min=1, max=ticket_help.MAX_HELPERS),
        ],
    )
    hours_each = DecimalField(
        _l("Hours per person"),
        places=None,
        default=Decimal(f"{ticket_help.DEFAULT_HOURS:g}"),
        validators=[InputRequired(_l("How many hours?")), NumberRange(min=0.5, max=MAX_HOURS_EACH)],
    )
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Give the last day.")), sane_date])


def ask_draft(form: AskHelpForm) -> Draft:
    """The need the form asks for, from today to its last day."""
    today = service().volunteering.today(now())
    return Draft(
        ItemKind.NEED,
        form.title.data,
        form.description.data,
        today,
        form.ends_on.data,
        form.people.data,
        float(form.hours_each.data),
    )


@dataclass(frozen=True, slots=True)
class Help:
    """The help section: the needs, whether the viewer sees phones and item pages, the form if they may ask."""

    needs: list[Need]
    sees_people: bool
    form: AskHelpForm | None
    max_helpers: int = ticket_help.MAX_HELPERS

    @property
    def shown(self) -> bool:
        return bool(self.needs) or self.form is not None


def help_of(view: TicketView, posted: AskHelpForm | None = None) -> Help:
    """The ticket's needs (read only if help was ever asked for) and the form to ask, when the viewer may."""
    ticket = view.ticket
    asked = any(entry.action is HistoryAction.HELP_ASKED for entry in view.history)
    needs = ticket_needs(service(), ticket.id) if asked else []
    form = posted
    if form is None:
        is_open = not view.spec.state(ticket.state).final
        may = ticket_help.may_ask(view.world.org, ticket, current_user.id)
        if may and is_open and ticket.community_id is not None and not any(need.is_open for need in needs):
            form = AskHelpForm(formdata=None, prefix="help")
            form.ends_on.data = service().volunteering.today(now()) + WEEK
    return Help(needs, current_user.works_for(ticket.community_id), form)
