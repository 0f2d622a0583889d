"""Residents (no account): open a request, follow it, confirm and rate it.

A resident reaches their ticket two ways: the private link (``/r/t/<token>``)
given on the receipt, or the tracking number with the last four digits of
their phone (``/r/track``, rate-limited per client), which remembers the
number in this browser's session so ``/r/status/<number>`` opens it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, send_from_directory, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Regexp, ValidationError

from ticketing.domain.errors import Conflict, NotFound
from ticketing.domain.field_rules import (
    MAX_ADDRESS,
    MAX_DESCRIPTION,
    MAX_NAME,
    PHONE,
    TICKET_NUMBER,
    typed_digits,
    typed_ticket_number,
)
from ticketing.domain.guards import Satisfaction
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.domain.workflow import Category, WorkflowSpec
from ticketing.notify.links import signed_number
from ticketing.read import resident as read
from ticketing.web.context import now, service
from ticketing.web.extensions import limiter
from ticketing.web.fields import Fits, ResidentEmail, ResidentPhone, stripped, typed_phone
from ticketing.web.i18n import DEFAULT_LOCALE
from ticketing.web.labels import RESIDENT_CHANNELS, SATISFACTION, label_name, lazy_term
from ticketing.web.photos import Photo, discard, read_photo, store_photo, uploads
from ticketing.web.ratelimit import configured

bp = Blueprint("resident", __name__, url_prefix="/r")

MAX_TRACKED = 20


def typed_number(value: str | None) -> str | None:
    """A field filter: the tracking number as typed, in its ``261127-000001`` form."""
    return typed_ticket_number(value) if isinstance(value, str) else value


def typed(value: str | None) -> str | None:
    """A field filter: digits as typed (full-width too) in ASCII, without spaces."""
    return typed_digits(value) if isinstance(value, str) else value


class RequestForm(FlaskForm):
    """A request: what, where, how to call back and to tell of the outcome, and an optional photo."""

    taken: Photo | None = None
    _community_of: dict[str, str]

    category = SelectField(validators=[InputRequired(_l("Choose what your request is about."))])
    description = TextAreaField(
        filters=[stripped],
        validators=[
            DataRequired(_l("Say what the problem is.")),
            Length(max=MAX_DESCRIPTION, message=_l("At most %(max)d characters.")),
        ],
    )
    community = SelectField()
    building = SelectField()
    place = SelectField()
    address = StringField(
        filters=[stripped], validators=[Length(max=MAX_ADDRESS, message=_l("At most %(max)d characters."))]
    )
    contact_phone = TelField(
        filters=[typed_phone],
        validators=[
            ResidentPhone(_l("You chose a text message: give your phone number, or choose another way to be told.")),
            Fits(
                PHONE,
                _l(
                    "This is not a phone number: give a mobile number (11 digits, like 139 1234 5678) or a landline"
                    " with its area code (like 010-12345678)."
                ),
            ),
        ],
    )
    contact_name = StringField(
        filters=[stripped], validators=[Length(max=MAX_NAME, message=_l("At most %(max)d characters."))]
    )
    notify_by = RadioField(
        choices=[SelectChoice(way.value, lazy_term(RESIDENT_CHANNELS, way)) for way in ResidentChannel],
        default=ResidentChannel.SMS.value,
    )
    contact_email = EmailField(
        filters=[stripped],
        validators=[ResidentEmail(_l("Give your e-mail address, or choose another way to be told."))],
    )
    photo = FileField()

    def offer(self, areas: list[read.Area], groups: list[tuple[WorkflowSpec, list[Category]]]) -> None:
        """Set the choices: categories, communities and the places in each."""
        blank = SelectChoice("", "—")
        self.category.choices = [blank, *(SelectChoice(c.code) for _spec, found in groups for c in found)]
        self.community.choices = [blank, *(SelectChoice(a.community.id, a.community.name) for a in areas)]
        self.building.choices = [blank, *(SelectChoice(b.id) for a in areas for b in a.buildings)]
        self.place.choices = [blank, *(SelectChoice(p.id) for a in areas for p in a.places)]
        self._community_of = {u.id: a.community.id for a in areas for u in (*a.buildings, *a.places)}

    def validate_building(self, field: SelectField) -> None:
        chosen = self.community.data
        if field.data and chosen and self._community_of.get(field.data) != chosen:
            raise ValidationError(_("This building is not in the community you chose."))

    def validate_place(self, field: SelectField) -> None:
        if field.data and self.building.data:
            raise ValidationError(_("Pick a building or a street or shop, not both."))
        chosen = self.community.data
        if field.data and chosen and self._community_of.get(field.data) != chosen:
            raise ValidationError(_("This street or shop is not in the community you chose."))

    def validate_address(self, field: StringField) -> None:
        if not (self.community.data or self.building.data or self.place.data or field.data):
            raise ValidationError(_("Say where: pick your building, a street or shop, or type the address."))

    def validate_photo(self, field: FileField) -> None:
        self.taken = read_photo(field)

    @property
    def location_id(self) -> str | None:
        return self.building.data or self.place.data or self.community.data or None


class TrackForm(FlaskForm):
    """A tracking number, with or without its hyphen, in ASCII or full-width digits, and the phone's last four."""

    number = StringField(
        filters=[typed_number],
        validators=[
            DataRequired(_l("Give the tracking number from your receipt.")),
            Regexp(
                f"^{TICKET_NUMBER}$",
                message=_l("A tracking number looks like 261127-000001 (the hyphen may be left out)."),
            ),
        ],
    )
    phone_ending = StringField(
        filters=[typed],
        validators=[
            DataRequired(_l("Give the last four digits of your phone number.")),
            Regexp(r"^\d{4}$", message=_l("Four digits, like 5678.")),
        ],
    )


class FeedbackForm(FlaskForm):
    solved = RadioField(
        choices=[SelectChoice("yes", _l("Yes, it is solved")), SelectChoice("no", _l("No, it is not solved"))],
        validators=[InputRequired(_l("Say whether the problem is solved."))],
    )
    satisfaction = RadioField(
        choices=[SelectChoice(verdict.value, lazy_term(SATISFACTION, verdict)) for verdict in Satisfaction],
        validators=[InputRequired(_l("Choose how satisfied you are."))],
    )
    comment = TextAreaField(validators=[Length(max=1000, message=_l("At most %(max)d characters."))])
    version = IntegerField(validators=[InputRequired()])


@bp.after_request
def _keep_private(response: Response) -> Response:
    """A resident's pages hold a private link or personal data: no caching, no referrer to other sites."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/new", methods=["GET", "POST"])
def new_request() -> str | Response:
    """Open a request; on success go to the receipt (POST/redirect/GET)."""
    areas = read.areas(service())
    groups = read.category_groups(service().worlds.catalogue)
    form = RequestForm()
    form.offer(areas, groups)
    if not form.validate_on_submit():
        return render_template("resident/new.html", form=form, options=_options(areas, groups))
    token = secrets.token_urlsafe(24)
    attachment = store_photo(form.taken)
    try:
        ticket = service().open_ticket(
            category=form.category.data,
            description=form.description.data,
            contact_phone=form.contact_phone.data,
            contact_name=form.contact_name.data or "",
            contact_email=form.contact_email.data or "",
            notify_by=form.notify_by.data,
            resident_language=str(get_locale() or DEFAULT_LOCALE),
            location_id=form.location_id,
            address=form.address.data or "",
            channel=Channel.WEB,
            access_token=token,
            attachment=attachment,
            now=now(),
        )
    except Exception:
        discard(attachment)
        raise
    session["receipt"] = {"number": ticket.number, "token": token, "phone": bool(ticket.contact_phone)}
    _remember(ticket.number)
    return redirect(url_for(".receipt"))


@bp.get("/receipt")
def receipt() -> str | Response:
    """The tracking number and private link of the request just opened (kept in the session, not the URL)."""
    shown = session.get("receipt")
    if not shown:
        return redirect(url_for(".new_request"))
    link = url_for(".link", token=shown["token"], _external=True)
    return render_template("resident/receipt.html", number=shown["number"], link=link, phone=shown.get("phone", True))


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(configured("track_limit"), methods=["POST"])
def track() -> str | Response:
    """Find a request by tracking number and phone ending (rate-limited per client, see below)."""
    form = TrackForm()
    if form.validate_on_submit():
        try:
            detail = service().find_for_resident(form.number.data, form.phone_ending.data)
        except NotFound:
            form.form_errors.append(_("No request matches this tracking number and phone ending."))
        else:
            _remember(detail.ticket.number)
            return redirect(url_for(".status", number=detail.ticket.number))
    return render_template("resident/track.html", form=form)


@bp.route("/t/<token>", methods=["GET", "POST"])
def link(token: str) -> str | tuple[str, int] | Response:
    """The status page behind the private link, with the feedback form once the matter is handled."""
    return _status_page(lambda: _by_link(token), {"token": token}, ".link")


@bp.route("/status/<ticket:number>", methods=["GET", "POST"])
def status(number: str) -> str | tuple[str, int] | Response:
    """The status page of a request this browser tracked; any other number is not found."""
    return _status_page(lambda: read.by_number(service(), number, _tracked()), {"number": number}, ".status")


@bp.get("/t/<token>/photos/<int:photo_id>")
def link_photo(token: str, photo_id: int) -> Response:
    return _send(_by_link(token).photo(photo_id))


def _by_link(token: str) -> read.ResidentStatus:
    """The status behind the receipt's link (a stored token's hash) or a notice's (a signed tracking number)."""
    number = signed_number(current_app.config["SECRET_KEY"], token)
    if number is not None:
        return read.by_number(service(), number, (number,))
    return read.by_token(service(), token)


@bp.get("/status/<ticket:number>/photos/<int:photo_id>")
def status_photo(number: str, photo_id: int) -> Response:
    return _send(read.by_number(service(), number, _tracked()).photo(photo_id))


def _status_page(
    load: Callable[[], read.ResidentStatus], access: dict[str, Any], endpoint: str
) -> str | tuple[str, int] | Response:
    shown = load()
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            ticket = service().resident_feedback(
                shown.ticket.number,
                form.satisfaction.data,
                form.comment.data or "",
                now(),
                form.version.data,
                solved=form.solved.data,
            )
        except Conflict:
            return _render_status(load(), form, access, conflict=True), 409
        if shown.spec.state(ticket.state).final:
            flash(_("Thank you. Your request is closed."))
        else:
            flash(_("We are sorry. Your request was reopened and goes back to the person handling it."))
        return redirect(url_for(endpoint, **access))
    return _render_status(shown, form, access)


def _render_status(
    shown: read.ResidentStatus, form: FeedbackForm, access: dict[str, Any], conflict: bool = False
) -> str:
    photo_endpoint = ".link_photo" if "token" in access else ".status_photo"
    return render_template(
        "resident/status.html",
        status=shown,
        form=form,
        conflict=conflict,
        photo_url=lambda photo_id: url_for(photo_endpoint, photo_id=photo_id, **access),
    )


def _send(photo: read.Photo) -> Response:
    return send_from_directory(uploads(), photo.file_name, mimetype=photo.content_type)


Group = tuple[str, str, list[tuple[str, str]]]  # label, community id (for the filter script), options


def _options(areas: list[read.Area], groups: list[tuple[WorkflowSpec, list[Category]]]) -> dict[str, list[Group]]:
    """The grouped options of the category, building and street-or-shop lists, in the reader's language."""
    return {
        "category": [
            (label_name(spec.title), "", [(c.code, label_name(c.label)) for c in found]) for spec, found in groups
        ],
        "building": [(a.community.name, a.community.id, [(b.id, b.name) for b in a.buildings]) for a in areas],
        "place": [
            (
                a.community.name,
                a.community.id,
                [(p.id, f"{p.name} ({p.address})" if p.address else p.name) for p in a.places],
            )
            for a in areas
        ],
    }


def _tracked() -> list[str]:
    return list(session.get("tracked", []))


def _remember(number: str) -> None:
    """Let this browser open the request's status page (the most recent few only)."""
    session["tracked"] = [*(n for n in _tracked() if n != number), number][-MAX_TRACKED:]
