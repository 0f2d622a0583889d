"""Staff log in and out; the user loader builds the scoped ``StaffUser``.

A session holds the account's session epoch from when it logged in
(``StaffUser.get_id``); the loader refuses it once the account's epoch has gone
up (logout, new password, deactivation) or the account is inactive.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, Length

from ticketing.read.source import current_organisation
from ticketing.services.accounts import Account, account, end_sessions
from ticketing.services.logins import log_in
from ticketing.web.context import now, service
from ticketing.web.extensions import limiter
from ticketing.web.i18n import LOCALES
from ticketing.web.nav import landing
from ticketing.web.ratelimit import client_address, configured
from ticketing.web.redirects import local_target
from ticketing.web.times import local_time
from ticketing.web.users import StaffUser

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"


WRONG = _l("Wrong staff number or password.")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode's Cc: no staff number holds one, not even a tab


@login_manager.user_loader
def load_user(stored: str) -> StaffUser | None:
    """The session's staff member, unless the account is gone or inactive or its sessions were ended since."""
    key = StaffUser.session_key(stored)
    if key is None:
        return None
    staff_id, epoch = key
    found = account(service().engine, staff_id)
    if found is None or not found.active or found.session_epoch != epoch:
        return None
    return _staff_user(found)


def _staff_user(found: Account) -> StaffUser | None:
    return StaffUser.of(current_organisation(service()), found.staff_id, found.session_epoch)


def renew_session() -> None:
    """Keep this browser logged in after its own account ended its sessions (its password changed here)."""
    found = account(service().engine, current_user.id)
    user = _staff_user(found) if found is not None and found.active else None
    if user is not None:
        login_user(user)


def _printable(_form: FlaskForm, field: Field) -> None:
    if CONTROL.search(field.data or ""):
        raise ValidationError(str(WRONG))


class LoginForm(FlaskForm):
    staff_id = StringField("staff_id", validators=[DataRequired(), Length(max=64, message=WRONG), _printable])
    password = PasswordField("password", validators=[DataRequired(), Length(max=1000, message=WRONG)])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured("login_limit"), methods=["POST"])  # per client address
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    """Log in and land where the role starts (or on ``next``), unless the staff number or this address failed
    too often lately (then: when to try again)."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    staff_id = current_organisation(service()).staff_id_for(form.staff_id.data)
    result = log_in(service().engine, staff_id, form.password.data, client_address(), now())
    user = _staff_user(result.account) if result.account is not None else None
    if user is not None:
        login_user(user)
        return redirect(local_target(request.args.get("next"), landing()))
    if result.checked:
        form.password.errors.append(str(WRONG))
    if result.retry_at is None:
        return render_template("auth/login.html", form=form)
    wait = math.ceil((result.retry_at - now()).total_seconds())
    # Shown to the minute like every time, rounded up so it is never too early.
    retry_at = (result.retry_at + timedelta(minutes=1, microseconds=-1)).replace(second=0, microsecond=0)
    form.password.errors.append(_("Too many failed logins. Try again after %(time)s.", time=local_time(retry_at)))
    return render_template("auth/login.html", form=form), 429, {"Retry-After": str(max(wait, 1))}


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Log out here and everywhere else: every session of the account ends."""
    end_sessions(service().engine, current_user.id)
    logout_user()
    return redirect(url_for("home"))


@bp.post("/language/<lang>")
def language(lang: str) -> Response:
    """Switch the interface language for this browser."""
    if lang in LOCALES:
        session["lang"] = lang
    else:
        flash(_("Unknown language."))
    return redirect(local_target(request.form.get("next"), url_for("home")))
