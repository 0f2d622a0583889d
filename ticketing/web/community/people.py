"""双报到 registrations for a community's staff: the list, one registration, decisions, own links, imports.

Staff of a registrant's community see its personal data and may issue a new own link or record service;
its managers (the party secretary's post, the service centre) also approve, reject or mark it left and import
files.  The buttons a member of staff may not use are not shown, and the use cases refuse them anyway.
"""

from __future__ import annotations

import math
import tempfile
from datetime import date
from pathlib import Path

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from werkzeug.datastructures import FileStorage
from wtforms import DateField, Field, FloatField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from ticketing.domain.errors import TicketingError
from ticketing.domain.volunteering.model import Claimant, ClaimantKind, RegistrantKind, RegistrationStatus
from ticketing.domain.volunteering.registration import MOVES
from ticketing.organisation.registrant_files import MAX_ROWS, read_registrants
from ticketing.read import record_cards, registrants
from ticketing.services.volunteering import Imported
from ticketing.web.community.blueprint import bp, my_communities, require_community
from ticketing.web.context import now, service, settings
from ticketing.web.errors import message_of, status_of
from ticketing.web.fields import sane_date, stripped
from ticketing.web.inputs import page_number
from ticketing.web.nav import requires
from ticketing.web.volunteer_labels import REGISTRATION_STATUSES

MAX_UPLOAD = 2 * 1024 * 1024  # as the registry's import (``admin.imports``)
UPLOAD_SUFFIXES = ["csv", "xlsx"]
DECISIONS = {
    RegistrationStatus.APPROVED: _l("Approve"),
    RegistrationStatus.REJECTED: _l("Reject"),
    RegistrationStatus.LEFT: _l("Mark as left"),
}


def today() -> date:
    """The district's calendar day now."""
    return now().astimezone(settings().tz).date()


def finite(form: FlaskForm, field: Field) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_("Give a number."))


class ServiceForm(FlaskForm):
    """A piece of service done outside the service list (a joint activity, say)."""

    served_on = DateField(_l("Date"), default=today, validators=[InputRequired(_l("On which day?")), sane_date])
    hours = FloatField(_l("Hours"), validators=[InputRequired(_l("Give the hours: 1, 1.5, 2…")), finite])
    what = TextAreaField(_l("Service given"), filters=[stripped], validators=[InputRequired(_l("Say what was done."))])


class DecideForm(FlaskForm):
    status = StringField(validators=[InputRequired()])


class ImportForm(FlaskForm):
    community = SelectField(_l("Community"), validators=[InputRequired()])
    file = FileField(
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(UPLOAD_SUFFIXES, _l("Only .csv and .xlsx files can be imported.")),
            FileSize(MAX_UPLOAD, message=_l("The file may be at most 2 MB.")),
        ]
    )


def _choice(name: str, allowed: set[str]) -> str | None:
    value = request.args.get(name, "")
    return value if value in allowed else None


@bp.get("/registrations")
@requires("community")
def registrations() -> str:
    """The registrations of my communities: pending first; filter by community, kind and status."""
    mine = my_communities()
    names = dict(mine)
    community = _choice("community", set(names))
    kind = _choice("kind", {k.value for k in RegistrantKind})
    status = _choice("status", {s.value for s in RegistrationStatus})
    shown = [community] if community else list(names)
    page = registrants.registrations(service(), shown, kind, status, page_number())
    return render_template(
        "community/registrations.html",
        page=page,
        communities=mine,
        names=names,
        community=community or "",
        kind=kind or "",
        status=status or "",
        manages_any=bool(my_communities(managed=True)),
    )


def _registrant_page(
    registrant_id: int,
    refusal: str | None = None,
    code: int = 200,
    form: ServiceForm | None = None,
    link: str | None = None,
) -> ResponseReturnValue:
    found = registrants.registrant(service(), registrant_id)
    require_community(found.community_id)
    names = dict(my_communities())
    page = render_template(
        "community/registrant.html",
        r=found,
        community=names.get(found.community_id, found.community_id),
        claims=registrants.claims_of(service(), registrant_id),
        card=record_cards.card(service(), registrant_id=registrant_id),
        manager=current_user.manages(found.community_id),
        moves=[(status, DECISIONS[status]) for status in sorted(MOVES[found.status])],
        form=form or ServiceForm(formdata=None),
        refusal=refusal,
        link=link,
    )
    return page, code


@bp.get("/registrations/<int:registrant_id>")
@requires("community")
def registrant(registrant_id: int) -> ResponseReturnValue:
    """One registration: its data, claims and record card, with what I may do about it."""
    return _registrant_page(registrant_id)


def _checked(registrant_id: int) -> str:
    """The registration's community, if I work for it (403 otherwise; 404 if there is no such registration)."""
    return require_community(registrants.registrant(service(), registrant_id).community_id)


@bp.post("/registrations/<int:registrant_id>/decide")
@requires("community")
def decide(registrant_id: int) -> ResponseReturnValue:
    """Approve, reject or mark as left (managers only)."""
    _checked(registrant_id)
    form = DecideForm()
    if not form.validate_on_submit():
        return _registrant_page(registrant_id, _("Choose what to do with the registration."), 400)
    try:
        done = service().volunteering.decide(registrant_id, form.status.data, current_user.id, now())
    except TicketingError as error:
        return _registrant_page(registrant_id, message_of(error), status_of(error))
    flash(_("%(name)s: %(status)s.", name=done.name, status=_status_word(done.status)))
    return redirect(url_for(".registrant", registrant_id=registrant_id))


def _status_word(status: RegistrationStatus) -> str:
    return str(REGISTRATION_STATUSES[status])


@bp.post("/registrations/<int:registrant_id>/link")
@requires("community")
def issue_link(registrant_id: int) -> ResponseReturnValue:
    """A new own link for the registrant, shown once on the page that follows; the old one stops working."""
    _checked(registrant_id)
    if not FlaskForm().validate_on_submit():
        return _registrant_page(registrant_id, _("This form has expired: reload the page and send it again."), 400)
    try:
        link = service().volunteering.issue_link(registrant_id, current_user.id, now())
    except TicketingError as error:
        return _registrant_page(registrant_id, message_of(error), status_of(error))
    return _registrant_page(registrant_id, link=link)


@bp.post("/registrations/<int:registrant_id>/service")
@requires("community")
def record_registrant(registrant_id: int) -> ResponseReturnValue:
    """Record service the member or unit did outside the service list (a joint activity)."""
    _checked(registrant_id)
    form = ServiceForm()
    if not form.validate_on_submit():
        return _registrant_page(registrant_id, code=400, form=form)
    found = registrants.registrant(service(), registrant_id)
    claimant = Claimant(ClaimantKind(found.kind.value), registrant_id)
    try:
        service().volunteering.record_service(
            current_user.id, claimant, form.served_on.data, form.hours.data, form.what.data, now()
        )
    except TicketingError as error:
        return _registrant_page(registrant_id, message_of(error), status_of(error), form)
    flash(_("Service recorded on %(name)s's record card.", name=found.name))
    return redirect(url_for(".registrant", registrant_id=registrant_id))


@bp.route("/registrations/import", methods=["GET", "POST"])
@requires("community")
def import_registrants() -> ResponseReturnValue:
    """Import registrations from a CSV or XLSX file into a community I manage: approved at once."""
    if request.method == "POST":
        require_community(request.form.get("community"), managed=True)  # 403 unless I manage it
    form = ImportForm()
    form.community.choices = my_communities(managed=True)
    result, refusal = None, None
    if form.validate_on_submit():
        community = require_community(form.community.data, managed=True)
        try:
            result = _import(community, form.file.data)
        except TicketingError as error:
            refusal = message_of(error)
    page = render_template(
        "community/registrants_import.html", form=form, result=result, refusal=refusal, max_rows=MAX_ROWS
    )
    return page, (400 if form.errors or refusal else 200)


def _import(community: str, upload: FileStorage) -> Imported:
    suffix = Path(upload.filename or "").suffix.lower()
    with tempfile.TemporaryDirectory(prefix="registrants-") as folder:
        path = Path(folder) / f"upload{suffix}"
        upload.save(path)
        applications = read_registrants(path, community)
    return service().volunteering.import_registrants(community, applications, current_user.id, now())
