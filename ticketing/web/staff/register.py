"""Registering a walk-in or phone request on the resident's behalf."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ticketing.domain.errors import InvalidInput
from ticketing.domain.field_rules import MAX_ADDRESS, MAX_DESCRIPTION, MAX_NAME, PHONE
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.read import queues
from ticketing.web.context import now, service
from ticketing.web.errors import message_of
from ticketing.web.fields import Fits, ResidentEmail, stripped
from ticketing.web.labels import CHANNELS, RESIDENT_CHANNELS, label_name, lazy_term
from ticketing.web.nav import requires
from ticketing.web.staff.blueprint import bp


class RegisterForm(FlaskForm):
    """A request taken at the service centre or by phone, on the resident's behalf."""

    channel = SelectField(
        _l("How it came in"),
        choices=[SelectChoice(c.value, lazy_term(CHANNELS, c)) for c in (Channel.WALK_IN, Channel.PHONE)],
    )
    category = SelectField(_l("Category"))
    description = TextAreaField(
        _l("What is the problem?"),
        validators=[DataRequired(_l("Say what the problem is.")), Length(max=MAX_DESCRIPTION)],
    )
    location_id = SelectField(_l("Building, street or shop"), validators=[Optional()])
    address = StringField(_l("Or the address"), validators=[Length(max=MAX_ADDRESS)])
    contact_phone = StringField(
        _l("Resident's phone"),
        validators=[DataRequired(_l("Give a phone number.")), Fits(PHONE, _l("Give a phone number."))],
    )
    contact_name = StringField(_l("Resident's name"), validators=[Length(max=MAX_NAME)])
    notify_by = RadioField(
        _l("How should the resident be told when it is resolved and closed?"),
        choices=[SelectChoice(way.value, lazy_term(RESIDENT_CHANNELS, way)) for way in ResidentChannel],
        default=ResidentChannel.SMS.value,
    )
    contact_email = EmailField(
        _l("Resident's e-mail address"),
        filters=[stripped],
        validators=[ResidentEmail(_l("Give the resident's e-mail address, or choose another way to tell them."))],
    )

    def validate_address(self, field: StringField) -> None:
        if not self.location_id.data and not (field.data or "").strip():
            raise ValidationError(_("Choose the place from the list or give the address."))


@bp.route("/register", methods=["GET", "POST"])
@requires("staff")
def register() -> ResponseReturnValue:
    """Register a walk-in or phone request; the registrar becomes its first responder."""
    form = RegisterForm()
    groups = queues.register_places(service(), current_user.id)
    categories = service().worlds.catalogue.categories()
    form.category.choices = [SelectChoice(c.code, label_name(c.label)) for c in categories]
    form.location_id.choices = [
        SelectChoice("", _("— not in the list: give the address —")),
        *(SelectChoice(place, name, optgroup=group.label) for group in groups for place, name in group.places),
    ]
    if form.validate_on_submit():
        try:
            opened = service().open_ticket(
                category=form.category.data,
                description=form.description.data,
                contact_phone=form.contact_phone.data.strip(),
                contact_name=(form.contact_name.data or "").strip(),
                contact_email=form.contact_email.data or "",
                notify_by=form.notify_by.data,
                location_id=form.location_id.data or None,
                address=(form.address.data or "").strip(),
                channel=Channel(form.channel.data),
                registrar_id=current_user.id,
                now=now(),
            )
        except InvalidInput as error:
            form.form_errors.append(message_of(error))
        else:
            flash(_("Registered as %(number)s; you are its first responder.", number=opened.number))
            return redirect(url_for(".ticket", number=opened.number))
    return render_template("staff/register.html", form=form), 400 if form.errors else 200
