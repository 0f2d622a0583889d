"""Form pieces the resident's and the staff's request forms share."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from ticketing.domain.rules import is_email
from ticketing.domain.ticket import ResidentChannel
from ticketing.web.inputs import YEARS


def stripped(value: str | None) -> str | None:
    """A field filter: text without surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


class ResidentEmail:
    """The resident's e-mail address: optional, unless they chose to be told by e-mail (``missing`` says so)."""

    def __init__(self, missing: LazyString) -> None:
        self.missing = missing

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and not is_email(field.data):
            raise ValidationError(_("This is not an e-mail address."))
        if not field.data and form.notify_by.data == ResidentChannel.EMAIL:
            raise ValidationError(str(self.missing))


def sane_date(form: FlaskForm, field: Field) -> None:
    """A date validator: a year the district can work in (far ones overflow the time zone arithmetic)."""
    if field.data is not None and field.data.year not in YEARS:
        raise ValidationError(_("Choose a date from %(first)d to %(last)d.", first=YEARS[0], last=YEARS[-1]))
