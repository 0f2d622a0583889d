"""Staff accounts: finding them, creating a login or resetting its password, (de)activating it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field, PasswordField, ValidationError
from wtforms.validators import InputRequired, Length
from wtforms.widgets import PasswordInput

from ticketing.domain.errors import InvalidInput
from ticketing.domain.passwords import MAX_LENGTH, MIN_LENGTH, check_password
from ticketing.read.admin import account_detail, accounts_page
from ticketing.read.source import current_organisation
from ticketing.services import accounts as account_changes
from ticketing.web.admin.blueprint import bp
from ticketing.web.auth import renew_session
from ticketing.web.context import now, service
from ticketing.web.errors import message_of
from ticketing.web.inputs import page_number
from ticketing.web.nav import requires


def _strong(_form: FlaskForm, field: Field) -> None:
    """The password rule of every way to set a password, said next to the field (after the length)."""
    if field.errors:
        return
    try:
        check_password(field.data or "")
    except InvalidInput as weak:
        raise ValidationError(message_of(weak)) from weak


class PasswordForm(FlaskForm):
    password = PasswordField(
        widget=PasswordInput(hide_value=False),
        validators=[
            InputRequired(),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Between %(min)d and 200 characters.", min=MIN_LENGTH),
            ),
            _strong,
        ],
    )


@bp.get("/accounts")
@requires("admin")
def accounts() -> str:
    """Staff with and without a web login, searchable by number or name."""
    search = request.args.get("q", "").strip()[:64]
    login = request.args.get("login", "")
    page = accounts_page(service(), search, login, page_number())
    return render_template("admin/accounts.html", page=page, search=search, login=login)


@bp.get("/accounts/<staff_id>")
@requires("admin")
def account(staff_id: str) -> str | Response:
    """One staff member's login; ``/accounts/s0015`` is the page of ``S0015``."""
    canonical = current_organisation(service()).staff_id_for(staff_id)
    if canonical != staff_id:
        return redirect(url_for(".account", staff_id=canonical))
    found = account_detail(service(), staff_id)
    return render_template("admin/account.html", account=found, form=PasswordForm())


@bp.post("/accounts/<staff_id>/password")
@requires("admin")
def set_password(staff_id: str) -> Response | tuple[str, int]:
    """Create the login or reset its password (which also reactivates it)."""
    form = PasswordForm()
    if form.validate_on_submit():
        created = account_changes.set_password(service().engine, staff_id, form.password.data, now(), current_user.id)
        if staff_id == current_user.id:
            renew_session()  # the admin's other sessions end, this one goes on
        flash(
            _("Login created for %(staff)s.", staff=staff_id)
            if created
            else _("Password of %(staff)s changed.", staff=staff_id)
        )
        return redirect(url_for(".account", staff_id=staff_id))
    found = account_detail(service(), staff_id)
    return render_template("admin/account.html", account=found, form=form), 400


@bp.post("/accounts/<staff_id>/deactivate")
@requires("admin")
def deactivate(staff_id: str) -> Response:
    account_changes.deactivate(service().engine, staff_id, now(), current_user.id)
    flash(_("The login of %(staff)s is deactivated.", staff=staff_id))
    return redirect(url_for(".account", staff_id=staff_id))


@bp.post("/accounts/<staff_id>/activate")
@requires("admin")
def activate(staff_id: str) -> Response:
    account_changes.activate(service().engine, staff_id, now(), current_user.id)
    flash(_("The login of %(staff)s is active again.", staff=staff_id))
    return redirect(url_for(".account", staff_id=staff_id))
