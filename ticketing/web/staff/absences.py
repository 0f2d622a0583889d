"""A staff member's absences: recording leave or a trip, coming back early, cancelling."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ticketing.domain.errors import Conflict, InvalidInput
from ticketing.domain.field_rules import MAX_REASON
from ticketing.read import queues
from ticketing.web.context import now, service, settings
from ticketing.web.errors import message_of, status_of
from ticketing.web.nav import requires
from ticketing.web.staff.blueprint import bp


class AbsenceForm(FlaskForm):
    """Leave or a trip, in the district's local time."""

    starts_at = DateTimeLocalField(_l("From"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(_l("When from?"))])
    ends_at = DateTimeLocalField(_l("Until"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(_l("Until when?"))])
    reason = StringField(
        _l("Reason"), validators=[DataRequired(_l("Leave, business trip, meeting…")), Length(max=MAX_REASON)]
    )

    def validate_ends_at(self, field: DateTimeLocalField) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_("The end must be after the start."))


@bp.route("/absence", methods=["GET", "POST"])
@requires("staff")
def absence() -> ResponseReturnValue:
    """Record my leave or trip; my tickets pass to the other holders while I am away."""
    form = AbsenceForm()
    zone = settings().tz
    if form.validate_on_submit():
        try:
            service().absences.record(
                current_user.id,
                form.starts_at.data.replace(tzinfo=zone),
                form.ends_at.data.replace(tzinfo=zone),
                form.reason.data,
                now(),
            )
        except InvalidInput as error:
            form.form_errors.append(message_of(error))
        else:
            flash(_("Absence recorded; the other holders of your posts cover for you."))
            return redirect(url_for(".absence"))
    elif request.method == "GET":
        form.starts_at.data = now().astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
    return _absence_page(form, status=400 if form.errors else 200)


def _absence_page(form: AbsenceForm, refusal: str | None = None, status: int = 200) -> ResponseReturnValue:
    recorded = queues.my_absences(service(), current_user.id, now())
    page = render_template("staff/absence.html", form=form, absences=recorded, refusal=refusal, now=now())
    return page, status


@bp.post("/absence/<int:absence_id>/end")
@requires("staff")
def end_absence(absence_id: int) -> ResponseReturnValue:
    """I am back early: my absence ends now and the tickets it handed over come back to me."""
    try:
        service().absences.end(absence_id, now(), current_user.id)
    except Conflict as error:
        return _absence_page(AbsenceForm(formdata=None), message_of(error), status_of(error))
    flash(_("Welcome back: your absence has ended and your tickets are back with you."))
    return redirect(url_for(".absence"))


@bp.post("/absence/<int:absence_id>/cancel")
@requires("staff")
def cancel_absence(absence_id: int) -> ResponseReturnValue:
    """The absence will not happen, or was entered by mistake: it is cancelled and any tickets it moved come back."""
    try:
        service().absences.cancel(absence_id, now(), current_user.id)
    except Conflict as error:
        return _absence_page(AbsenceForm(formdata=None), message_of(error), status_of(error))
    flash(_("Absence cancelled."))
    return redirect(url_for(".absence"))
