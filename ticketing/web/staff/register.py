"""Registering a request: a resident's (walk-in, phone, on their behalf) or one found on patrol, with a photo."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ticketing.domain.errors import InvalidInput
from ticketing.domain.field_rules import MAX_ADDRESS, MAX_DESCRIPTION, MAX_NAME, PHONE
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.read import queues
from ticketing.web.context import now, service
from ticketing.web.errors import message_of
from ticketing.web.fields import Fits, ResidentEmail, ResidentPhone, stripped, told_by
from ticketing.web.labels import CHANNELS, RESIDENT_CHANNELS, label_name, lazy_term
from ticketing.web.nav import requires
from ticketing.web.photos import Photo, discard, read_photo, store_photo
from ticketing.web.staff.blueprint import bp

OFFERED = (Channel.WALK_IN, Channel.PHONE, Channel.ON_BEHALF, Channel.PATROL)


class RegisterForm(FlaskForm):
    """A request taken at the service centre, by phone, for a resident met on the way (代办), or found on patrol."""

    taken: Photo | None = None

    channel = SelectField(
        _l("How it came in"),
        choices=[SelectChoice(c.value, lazy_term(CHANNELS, c)) for c in OFFERED],
    )
    category = SelectField(_l("Category"))
    description = TextAreaField(
        _l("What is the problem?"),
        validators=[DataRequired(_l("Say what the problem is.")), Length(max=MAX_DESCRIPTION)],
    )
    location_id = SelectField(_l("Building, street or shop"), validators=[Optional()])
    address = StringField(_l("Or the address"), validators=[Length(max=MAX_ADDRESS)])
    photo = FileField(_l("Photo (optional)"))
    contact_phone = StringField(
        _l("Resident's phone"),
        filters=[stripped],
        validators=[
            ResidentPhone(_l("Give the resident's phone number, or choose another way to tell them.")),
            Fits(PHONE, _l("Give a phone number.")),
        ],
    )
    contact_name = StringField(_l("Resident's name"), filters=[stripped], validators=[Length(max=MAX_NAME)])
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

    def validate_channel(self, field: SelectField) -> None:
        contact = (self.contact_phone.data, self.contact_name.data, self.contact_email.data)
        if field.data == Channel.PATROL and any(contact):
            raise ValidationError(
                _(
                    "A patrol report has no resident: leave the resident's phone, name and e-mail empty, "
                    "or choose “On the resident's behalf”."
                )
            )

    def validate_address(self, field: StringField) -> None:
        if not self.location_id.data and not (field.data or "").strip():
            raise ValidationError(_("Choose the place from the list or give the address."))

    def validate_photo(self, field: FileField) -> None:
        self.taken = read_photo(field)

    @property
    def told(self) -> ResidentChannel:
        """How the resident is told: as chosen; nobody on a patrol report."""
        return told_by(self) or ResidentChannel.NONE


@bp.route("/register", methods=["GET", "POST"])
@requires("staff")
def register() -> ResponseReturnValue:
    """Register a request; the registrar becomes its first responder."""
    form = RegisterForm()
    groups = queues.register_places(service(), current_user.id)
    categories = service().worlds.catalogue.categories()
    form.category.choices = [SelectChoice(c.code, label_name(c.label)) for c in categories]
    form.location_id.choices = [
        SelectChoice("", _("— not in the list: give the address —")),
        *(SelectChoice(place, name, optgroup=group.label) for group in groups for place, name in group.places),
    ]
    if form.validate_on_submit():
        attachment = store_photo(form.taken)
        try:
            opened = service().open_ticket(
                category=form.category.data,
                description=form.description.data,
                contact_phone=form.contact_phone.data or "",
                contact_name=form.contact_name.data or "",
                contact_email=form.contact_email.data or "",
                notify_by=form.told,
                location_id=form.location_id.data or None,
                address=(form.address.data or "").strip(),
                channel=Channel(form.channel.data),
                registrar_id=current_user.id,
                attachment=attachment,
                now=now(),
            )
        except InvalidInput as error:
            discard(attachment)
            form.form_errors.append(message_of(error))
        except Exception:
            discard(attachment)
            raise
        else:
            flash(_("Registered as %(number)s; you are its first responder.", number=opened.number))
            return redirect(url_for(".ticket", number=opened.number))
    return render_template("staff/register.html", form=form), 400 if form.errors else 200
