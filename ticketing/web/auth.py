"""Staff log in and out; the user loader builds the scoped ``StaffUser``."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ticketing.accounts import account, authenticate
from ticketing.web.context import service
from ticketing.web.i18n import LOCALES
from ticketing.web.users import StaffUser

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"


@login_manager.user_loader
def load_user(staff_id: str) -> StaffUser | None:
    found = account(service().engine, staff_id)
    if found is None or not found.active:
        return None
    with service().engine.connect() as conn:
        return StaffUser.of(service().worlds.organisation(conn), staff_id)


class LoginForm(FlaskForm):
    staff_id = StringField("staff_id", validators=[DataRequired()])
    password = PasswordField("password", validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        found = authenticate(service().engine, form.staff_id.data.strip(), form.password.data)
        user = load_user(found.staff_id) if found else None
        if user is not None:
            login_user(user)
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("home"))
        form.password.errors.append(_("Wrong staff number or password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    return redirect(url_for("home"))


@bp.post("/language/<lang>")
def language(lang: str) -> Response:
    """Switch the interface language for this browser."""
    if lang in LOCALES:
        session["lang"] = lang
    else:
        flash(_("Unknown language."))
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("home"))
