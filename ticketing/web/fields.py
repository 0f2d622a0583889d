"""Form pieces the resident's and the staff's request forms share, made from the domain's field rules.

The rules (``ticketing.domain.field_rules``) are the ones the APIs' models and
the intake check use: a value a form accepts, the intake accepts too.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import StopValidation, ValidationError

from ticketing.domain.errors import InvalidInput
from ticketing.domain.field_rules import YEARS, TextRule, is_email, is_mobile, tidy_phone
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.domain.workflow import Duration
from ticketing.web.errors import message_of


def stripped(value: str | None) -> str | None:
    """A field filter: text without surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


def typed_phone(value: str | None) -> str | None:
    """A field filter: a phone as typed (spaces, hyphens, +86, full-width digits) as it is kept and dialled."""
    return tidy_phone(value.strip()) if isinstance(value, str) else value


class Fits:
    """A field that must follow a text rule (its length, its pattern), or be empty; ``message`` says what it is."""

    def __init__(self, rule: TextRule, message: LazyString) -> None:
        self.rule = rule
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and not self.rule.fits(field.data):
            raise ValidationError(str(self.message))


def told_by(form: FlaskForm) -> ResidentChannel | None:
    """How the form says the resident is told; None on a patrol report, which has no resident to tell."""
    channel = getattr(form, "channel", None)
    if channel is not None and channel.data == Channel.PATROL:
        return None
    return ResidentChannel(form.notify_by.data) if form.notify_by.data in set(ResidentChannel) else None


class ResidentEmail:
    """The resident's e-mail address: optional, unless they chose to be told by e-mail (``missing`` says so)."""

    def __init__(self, missing: LazyString) -> None:
        self.missing = missing

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and not is_email(field.data):
            raise ValidationError(_("This is not an e-mail address."))
        if not field.data and told_by(form) is ResidentChannel.EMAIL:
            raise ValidationError(str(self.missing))


class ResidentPhone:
    """The resident's phone: optional, unless they chose to be told by SMS (``missing`` says so); a text message
    needs a mainland mobile number, while a landline may be given for the callback alone."""

    def __init__(self, missing: LazyString) -> None:
        self.missing = missing

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if told_by(form) is not ResidentChannel.SMS:
            return
        if not field.data:
            raise ValidationError(str(self.missing))
        if not is_mobile(field.data):
            raise StopValidation(
                _(
                    "A text message needs a mobile number (11 digits, like 139 1234 5678); a landline can only be"
                    " called back. Give a mobile number, or choose another way to be told."
                )
            )


def sane_date(form: FlaskForm, field: Field) -> None:
    """A date validator: a year the district can work in (far ones overflow the time zone arithmetic)."""
    if field.data is not None and field.data.year not in YEARS:
        raise ValidationError(_("Choose a date from %(first)d to %(last)d.", first=YEARS[0], last=YEARS[-1]))


def working_time(form: FlaskForm, field: Field) -> None:
    """A working time as people type it (``2天``, ``3小时``, ``1天2小时``, ``2d``): refused with what is allowed."""
    try:
        Duration.parse(field.data or "")
    except InvalidInput as error:
        raise ValidationError(message_of(error)) from None
