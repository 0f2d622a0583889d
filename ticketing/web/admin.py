"""Admins: the organisation, absences, calendars, roster import, staff accounts."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileRequired, FileSize, MultipleFileField
from werkzeug.wrappers import Response
from wtforms import DateTimeLocalField, Field, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import PasswordInput

from ticketing.domain.audit import AuditAction
from ticketing.domain.errors import Conflict, InvalidInput, NotFound, OrgFileError
from ticketing.domain.passwords import MAX_LENGTH, MIN_LENGTH, check_password
from ticketing.organisation.data import ORG_SUFFIXES, ROSTER_SUFFIXES
from ticketing.read.admin import (
    absences_view,
    account_detail,
    accounts_page,
    calendar_usage,
    organisation_view,
    post_detail,
)
from ticketing.read.audit import audit_page
from ticketing.read.outbox import dead_messages
from ticketing.services import accounts as account_changes
from ticketing.services.organisation import HolderProblems, change_holders, import_uploads
from ticketing.services.outbox import retry_dead
from ticketing.web.auth import renew_session
from ticketing.web.context import now, service, settings
from ticketing.web.errors import message_of
from ticketing.web.inputs import page_number
from ticketing.web.nav import requires

bp = Blueprint("admin", __name__, url_prefix="/admin")

MAX_UPLOAD = 2 * 1024 * 1024
UPLOAD_SUFFIXES = sorted(suffix.lstrip(".") for suffix in ORG_SUFFIXES | ROSTER_SUFFIXES)
LOCAL_MINUTES = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]

AUDIT_ACTIONS = {
    AuditAction.HOLDERS_CHANGED: _l("Holders changed"),
    AuditAction.REGISTRY_IMPORTED: _l("Registry imported"),
    AuditAction.NOTICES_RETRIED: _l("Undelivered notices sent again"),
    AuditAction.ACCOUNT_CREATED: _l("Login created"),
    AuditAction.PASSWORD_CHANGED: _l("Password reset"),
    AuditAction.ACCOUNT_DEACTIVATED: _l("Login deactivated"),
    AuditAction.ACCOUNT_ACTIVATED: _l("Login activated"),
    AuditAction.API_KEY_CREATED: _l("API key created"),
    AuditAction.API_KEY_REVOKED: _l("API key revoked"),
    AuditAction.TOKEN_ISSUED: _l("Staff token issued"),
    AuditAction.TOKEN_REVOKED: _l("Staff token revoked"),
}
AUDIT_DETAILS = {
    "holder_a": _l("A holder"),
    "holder_b": _l("B holder"),
    "rehomed": _l("open tickets passed on"),
    "files": _l("files"),
    "token": _l("token"),
    "tokens_revoked": _l("tokens revoked"),
    "calendars_created": _l("calendars added"),
    "calendars_updated": _l("calendars changed"),
    "units_created": _l("units added"),
    "units_updated": _l("units changed"),
    "staff_created": _l("staff added"),
    "staff_updated": _l("staff changed"),
    "posts_created": _l("posts added"),
    "posts_updated": _l("posts changed"),
}

HOLDER_MESSAGES = {
    "unknown": _l("No staff member has this number."),
    "same": _l("A and B must be two different people."),
}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def rehomed_text(count: int) -> str:
    return ngettext(
        "%(num)d open ticket passed to the new holders of its post.",
        "%(num)d open tickets passed to the new holders of their posts.",
        count,
    )


class HoldersForm(FlaskForm):
    holder_a = StringField(validators=[DataRequired(), Length(max=64)], filters=[_strip])
    holder_b = StringField(validators=[DataRequired(), Length(max=64)], filters=[_strip])


class ImportForm(FlaskForm):
    files = MultipleFileField(
        validators=[
            FileRequired(_l("Choose at least one file.")),
            FileAllowed(UPLOAD_SUFFIXES, _l("Only .yaml, .yml, .toml, .csv and .xlsx files can be imported.")),
            FileSize(MAX_UPLOAD, message=_l("Each file may be at most 2 MB.")),
        ]
    )


class AbsenceForm(FlaskForm):
    staff_id = StringField(validators=[DataRequired(), Length(max=64)], filters=[_strip])
    starts_at = DateTimeLocalField(format=LOCAL_MINUTES, validators=[InputRequired()])
    ends_at = DateTimeLocalField(format=LOCAL_MINUTES, validators=[InputRequired()])
    reason = StringField(validators=[DataRequired(), Length(max=200)], filters=[_strip])

    def validate_ends_at(self, field: DateTimeLocalField) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_("The end must be after the start."))


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


# --- the organisation -----------------------------------------------------------------------------


@bp.get("/organisation")
@requires("admin")
def organisation() -> str:
    """One community at a time: every post with its A and B holders, its hours, and who is away."""
    view = organisation_view(service(), request.args.get("community") or None, now())
    return render_template("admin/organisation.html", view=view, now=now())


@bp.route("/posts/<post_id>/holders", methods=["GET", "POST"])
@requires("admin")
def holders(post_id: str) -> str | Response | tuple[str, int]:
    """Change who holds a post (A and B); its open tickets pass to the new holders at once."""
    detail = post_detail(service(), post_id, now())
    post = detail.view.post
    form = HoldersForm(data={"holder_a": post.holder_a, "holder_b": post.holder_b})
    if form.validate_on_submit():
        try:
            summary = change_holders(service(), post_id, form.holder_a.data, form.holder_b.data, now(), current_user.id)
        except HolderProblems as problems:
            for name, code in problems.fields.items():
                form[name].errors.append(HOLDER_MESSAGES[code])
        else:
            flash(_("%(post)s: A is now %(a)s, B %(b)s.", post=post_id, a=form.holder_a.data, b=form.holder_b.data))
            if summary.rehomed:
                flash(rehomed_text(summary.rehomed))
            return redirect(url_for(".organisation", community=detail.community_id, _anchor=post_id))
    page = render_template("admin/holders.html", detail=detail, form=form, staff=detail.staff)
    return (page, 400) if form.errors else page


# --- imports, absences, calendars -----------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@requires("admin")
def import_files() -> str | tuple[str, int]:
    """Upload organisation files and rosters; all are applied in one transaction, or none."""
    form = ImportForm()
    summary, problems = None, []
    if form.validate_on_submit():
        try:
            uploads = [(f.filename or "", f.stream) for f in form.files.data]
            summary = import_uploads(service(), uploads, now(), current_user.id)
        except OrgFileError as error:
            problems = error.problems
    page = render_template("admin/import.html", form=form, summary=summary, problems=problems)
    return (page, 400) if form.errors or problems else page


@bp.route("/absences", methods=["GET", "POST"])
@requires("admin")
def absences() -> str | Response | tuple[str, int]:
    """Current and future absences; record one for anyone (the other holder covers at once if it has begun)."""
    form = AbsenceForm()
    if form.validate_on_submit():
        tz = settings().tz
        try:
            service().absences.record(
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
            flash(_("Absence of %(staff)s recorded.", staff=form.staff_id.data))
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
    flash(_("Absence of %(staff)s ended; their tickets are back with them.", staff=ended.staff_id))
    return redirect(url_for(".absences"))


@bp.post("/absences/<int:absence_id>/cancel")
@requires("admin")
def cancel_absence(absence_id: int) -> Response | tuple[str, int]:
    """Cancel an absence that will not happen or was entered by mistake; any tickets it moved come back."""
    try:
        cancelled = service().absences.cancel(absence_id, now(), current_user.id)
    except Conflict as error:
        return _absences_page(AbsenceForm(formdata=None), message_of(error), 409)
    flash(_("Absence of %(staff)s cancelled.", staff=cancelled.staff_id))
    return redirect(url_for(".absences"))


@bp.get("/calendars")
@requires("admin")
def calendars() -> str:
    """Each working-hours calendar, its segments per kind of day, and the units and posts it governs."""
    found = calendar_usage(service())
    return render_template("admin/calendars.html", calendars=found)


@bp.get("/outbox")
@requires("admin")
def outbox() -> str:
    """Notices that could not be delivered after every retry, newest first: someone must tell the person."""
    return render_template("admin/outbox.html", dead=dead_messages(service().engine))


@bp.post("/outbox/<int:notice_id>/retry")
@requires("admin")
def retry_notice(notice_id: int) -> Response | tuple[str, int]:
    """Queue a dead notice again, under its idempotency key: a receiver that took an earlier try drops it."""
    try:
        retry_dead(service().engine, [notice_id], now(), current_user.id)
    except Conflict as refusal:
        page = render_template("admin/outbox.html", dead=dead_messages(service().engine), refusal=message_of(refusal))
        return page, 409
    flash(_("Notice %(id)s is queued again: the next dispatch sends it.", id=notice_id))
    return redirect(url_for(".outbox"))


# --- staff accounts -------------------------------------------------------------------------------


@bp.get("/audit")
@requires("admin")
def audit() -> str:
    """Who changed holders, the registry, accounts, keys and tokens, and when: newest first."""
    page = audit_page(service(), page_number())
    return render_template("admin/audit.html", page=page, actions=AUDIT_ACTIONS, details=AUDIT_DETAILS)


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
def account(staff_id: str) -> str:
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
