"""Absences: recording one for anyone, ending it early, cancelling it."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateTimeLocalField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length

from ticketing.domain.errors import Conflict, InvalidInput, NotFound
from ticketing.read.admin import absences_view
from ticketing.read.source import current_organisation
from ticketing.web.admin.blueprint import HOLDER_MESSAGES, bp, strip
from ticketing.web.context import now, service, settings
from ticketing.web.errors import message_of
from ticketing.web.inputs import page_number
from ticketing.web.nav import requires

LOCAL_MINUTES = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class AbsenceForm(FlaskForm):
    staff_id = StringField(validators=[DataRequired(), Length(max=64)], filters=[strip])
    starts_at = DateTimeLocalField(format=LOCAL_MINUTES, validators=[InputRequired()])
    ends_at = DateTimeLocalField(format=LOCAL_MINUTES, validators=[InputRequired()])
    reason = StringField(validators=[DataRequired(), Length(max=200)], filters=[strip])

    def validate_ends_at(self, field: DateTimeLocalField) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_("The end must be after the start."))


def _name(staff_id: str) -> str:
    """A staff member as people know them: the name (the id only if the registry has no such member)."""
    member = current_organisation(service()).staff.get(staff_id)
    return member.name if member else staff_id


def recorded_text(name: str, moved: int, starts_at: datetime) -> str:
    """What recording did: how many tickets passed to the other holders, or that none will until it begins."""
    if starts_at > now():
        return _("Absence of %(staff)s recorded; their tickets pass to the other holders when it begins.", staff=name)
    return ngettext(
        "Absence of %(staff)s recorded; %(num)d ticket passed to the other holder of their post.",
        "Absence of %(staff)s recorded; %(num)d tickets passed to the other holders of their posts.",
        moved,
        staff=name,
    )


def ended_text(name: str, moved: int) -> str:
    """The absence ended, and how many tickets came back to the holder."""
    if not moved:
        return _("Absence of %(staff)s ended; no ticket had to come back.", staff=name)
    return ngettext(
        "Absence of %(staff)s ended; %(num)d ticket returned to them.",
        "Absence of %(staff)s ended; %(num)d tickets returned to them.",
        moved,
        staff=name,
    )


def cancelled_text(name: str, moved: int) -> str:
    """The absence was cancelled, and how many tickets it had moved came back."""
    if not moved:
        return _("Absence of %(staff)s cancelled.", staff=name)
    return ngettext(
        "Absence of %(staff)s cancelled; %(num)d ticket returned to them.",
        "Absence of %(staff)s cancelled; %(num)d tickets returned to them.",
        moved,
        staff=name,
    )


@bp.route("/absences", methods=["GET", "POST"])
@requires("admin")
def absences() -> str | Response | tuple[str, int]:
    """Current and future absences; record one for anyone (the other holder covers at once if it has begun)."""
    form = AbsenceForm()
    if form.validate_on_submit():
        tz = settings().tz
        form.staff_id.data = current_organisation(service()).staff_id_for(form.staff_id.data)
        try:
            recorded = service().absences.record(
                form.staff_id.data,
                form.starts_at.data.replace(tzinfo=tz),
                form.ends_at.data.replace(tzinfo=tz),
                form.reason.data,
                now(),
            )
        except NotFound:
            form.staff_id.errors.append(HOLDER_MESSAGES["unknown"])
        except InvalidInput as error:
            form.form_errors.append(message_of(error))
        else:
            flash(recorded_text(_name(form.staff_id.data), recorded.moved, form.starts_at.data.replace(tzinfo=tz)))
            return redirect(url_for(".absences"))
    return _absences_page(form, status=400 if form.errors else 200)


def _absences_page(form: AbsenceForm, refusal: str | None = None, status: int = 200) -> tuple[str, int]:
    view = absences_view(service(), now(), page_number())
    html = render_template(
        "admin/absences.html",
        form=form,
        page=view.page,
        now=now(),
        staff=view.staff,
        tz=settings().timezone,
        refusal=refusal,
    )
    return html, status


@bp.post("/absences/<int:absence_id>/end")
@requires("admin")
def end_absence(absence_id: int) -> Response | tuple[str, int]:
    """End someone's absence now (they came back early); the tickets it handed over return to them."""
    try:
        ended = service().absences.end(absence_id, now(), current_user.id)
    except Conflict as error:
        return _absences_page(AbsenceForm(formdata=None), message_of(error), 409)
    flash(ended_text(_name(ended.absence.staff_id), ended.moved))
    return redirect(url_for(".absences"))


@bp.post("/absences/<int:absence_id>/cancel")
@requires("admin")
def cancel_absence(absence_id: int) -> Response | tuple[str, int]:
    """Cancel an absence that will not happen or was entered by mistake; any tickets it moved come back."""
    try:
        cancelled = service().absences.cancel(absence_id, now(), current_user.id)
    except Conflict as error:
        return _absences_page(AbsenceForm(formdata=None), message_of(error), 409)
    flash(cancelled_text(_name(cancelled.absence.staff_id), cancelled.moved))
    return redirect(url_for(".absences"))
