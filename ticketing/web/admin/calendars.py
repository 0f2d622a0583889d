"""The working-hours calendars and what each governs; the holidays and make-up workdays, and their overrides."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ticketing.domain.errors import Conflict, InvalidInput, NotFound
from ticketing.domain.field_rules import MAX_REASON
from ticketing.domain.holidays import NOTICE_HORIZON_DAYS, parse_day
from ticketing.read.admin import calendar_usage
from ticketing.read.holidays import holidays_view, missing_notice
from ticketing.web.admin.blueprint import bp, strip
from ticketing.web.context import now, service, settings
from ticketing.web.errors import message_of, status_of
from ticketing.web.fields import sane_date
from ticketing.web.nav import requires

KINDS = [SelectChoice("workday", _l("Make-up workday")), SelectChoice("holiday", _l("Holiday"))]


class OverrideForm(FlaskForm):
    day = DateField(validators=[InputRequired(), sane_date])
    kind = SelectField(choices=KINDS, validators=[InputRequired()])
    reason = StringField(validators=[DataRequired(), Length(max=MAX_REASON)], filters=[strip])


@bp.get("/calendars")
@requires("admin")
def calendars() -> str:
    """Each working-hours calendar and what it governs; this year's and next year's holidays with their sources."""
    return _calendars_page(OverrideForm(formdata=None))[0]


@bp.post("/calendars/holidays")
@requires("admin")
def add_holiday_override() -> Response | tuple[str, int]:
    """Make a date a holiday or a make-up workday: deadlines counted from now on follow it."""
    form = OverrideForm()
    if not form.validate():
        return _calendars_page(form, status=400)
    try:
        service().holidays.add(form.day.data, form.kind.data, form.reason.data, now(), current_user.id)
    except (InvalidInput, Conflict) as error:
        form.form_errors.append(message_of(error))
        return _calendars_page(form, status=status_of(error))
    flash(_("Override on %(day)s added; deadlines count with it from now on.", day=form.day.data.isoformat()))
    return redirect(url_for(".calendars", _anchor="holidays"))


@bp.post("/calendars/holidays/<day>/remove")
@requires("admin")
def remove_holiday_override(day: str) -> Response | tuple[str, int]:
    """Take an override back: the day is again what the holiday library or the overrides file says."""
    try:
        removed = service().holidays.remove(parse_day(day), now(), current_user.id)
    except (InvalidInput, NotFound) as error:
        return _calendars_page(OverrideForm(formdata=None), refusal=message_of(error), status=status_of(error))
    flash(_("Override on %(day)s removed.", day=removed.day.isoformat()))
    return redirect(url_for(".calendars", _anchor="holidays"))


def _calendars_page(form: OverrideForm, refusal: str | None = None, status: int = 200) -> tuple[str, int]:
    html = render_template(
        "admin/calendars.html",
        calendars=calendar_usage(service()),
        holidays=holidays_view(service(), now()),
        form=form,
        refusal=refusal,
        horizon=NOTICE_HORIZON_DAYS,
        tz=settings().timezone,
    )
    return html, status


@bp.app_template_global()
def holiday_notice_warning() -> str:
    """The admin pages' warning when the coming weeks reach a year whose make-up workdays are not loaded."""
    years = missing_notice(service(), now())
    if not years:
        return ""
    return _(
        "No State Council notice is loaded for %(years)s: make-up workdays there are unknown, so deadlines count "
        "weekends as rest days. Add them as overrides once the notice is published.",
        years=", ".join(str(year) for year in years),
    )
