"""Grid staff: queues, the ticket page and its actions, walk-in registration, absences."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed
from ticketing.domain.field_rules import MAX_ADDRESS, MAX_DESCRIPTION, MAX_NAME, MAX_REASON, PHONE
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import Post
from ticketing.domain.permissions import ORDER
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.domain.workflow import Duration, DurationUnit
from ticketing.read import queues
from ticketing.read.queues import Deadline, TicketView
from ticketing.web.context import now, service, settings
from ticketing.web.errors import message_of, status_of
from ticketing.web.fields import Fits, ResidentEmail, stripped
from ticketing.web.inputs import page_number
from ticketing.web.labels import (
    ACTION_TITLES,
    CHANNELS,
    POST_KINDS,
    RESIDENT_CHANNELS,
    SATISFACTION,
    label_name,
    lazy_term,
    term,
)
from ticketing.web.nav import requires

bp = Blueprint("staff", __name__, url_prefix="/staff")


# --- forms -----------------------------------------------------------------------------------------


class ActionForm(FlaskForm):
    """An action on a ticket; it carries the version the page showed, so a stale page is a conflict."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d+$")])

    def params(self) -> dict[str, Any]:
        """The action's parameters, as ``Ticketing.act`` names them."""
        return {field.short_name: field.data for field in self if field.short_name not in ("version", "csrf_token")}


class NoteForm(ActionForm):
    text = TextAreaField(_l("Note"), validators=[DataRequired(_l("Write the note."))])


class TransferForm(ActionForm):
    """The posts offered are the rules' transfer targets; any other is refused by the rules, naming what is allowed."""

    target_post = SelectField(
        _l("Pass it to"), validators=[DataRequired(_l("Choose the post to pass it to."))], validate_choice=False
    )
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Say why it goes there."))])


class PauseForm(ActionForm):
    reason = TextAreaField(_l("What it is waiting for"), validators=[DataRequired(_l("Say what it waits for."))])


class ResolveForm(ActionForm):
    resolution = TextAreaField(_l("What was done"), validators=[DataRequired(_l("Write what was done."))])


class ReferForm(ActionForm):
    body = StringField(_l("Competent body"), validators=[DataRequired(_l("Name the competent body.")), Length(max=200)])
    reason = TextAreaField(_l("Why it is outside our remit"))


class CallbackForm(ActionForm):
    reached = RadioField(
        _l("Did you reach the resident?"),
        choices=[SelectChoice("yes", _l("Reached")), SelectChoice("no", _l("Not reached"))],
        default="yes",
    )
    satisfaction = SelectField(
        _l("Satisfaction"),
        choices=[SelectChoice("", "—"), *(SelectChoice(v.value, lazy_term(SATISFACTION, v)) for v in Satisfaction)],
        validators=[Optional()],
        default="",
    )
    comment = TextAreaField(_l("Comment"))

    def params(self) -> dict[str, Any]:
        return {
            "reached": self.reached.data == "yes",
            "satisfaction": self.satisfaction.data or None,
            "comment": self.comment.data,
        }


class ReturnForm(ActionForm):
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Give the reason."))])


class ExtendForm(ActionForm):
    """The extensions offered are those the rules allow at the ticket's tier; the rules refuse any other."""

    by = SelectField(_l("Extend by"), validate_choice=False)
    reason = TextAreaField(_l("Why"), validators=[DataRequired(_l("Give the reason for the extension."))])


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "acknowledge": ActionForm,
    "note": NoteForm,
    "transfer": TransferForm,
    "pause": PauseForm,
    "resume": ActionForm,
    "resolve": ResolveForm,
    "refer": ReferForm,
    "callback": CallbackForm,
    "return_to_resident": ReturnForm,
    "extend": ExtendForm,
}


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


# --- helpers for the templates ----------------------------------------------------------------------


def state_label(workflow: str, state: str | None) -> str:
    spec = service().worlds.catalogue.workflows.get(workflow)
    found = spec.states.get(state) if spec and state else None
    return label_name(found.label) if found else (state or "—")


def category_label(code: str) -> str:
    category = next((c for c in service().worlds.catalogue.categories() if c.code == code), None)
    return label_name(category.label) if category else code


def workflow_title(name: str) -> str:
    spec = service().worlds.catalogue.workflows.get(name)
    return label_name(spec.title) if spec else name


def working_time(duration: Duration) -> str:
    """``2 working days``, ``4 working hours``, ``30 working minutes``."""
    number = duration.amount
    if duration.unit is DurationUnit.DAYS:
        return ngettext("%(num)d working day", "%(num)d working days", number)
    if duration.unit is DurationUnit.HOURS:
        return ngettext("%(num)d working hour", "%(num)d working hours", number)
    return ngettext("%(num)d working minute", "%(num)d working minutes", number)


def span(seconds: float) -> str:
    """``3 h 20 min`` (whole minutes, rounded down)."""
    hours, minutes = divmod(int(seconds // 60), 60)
    return (
        _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)
        if hours
        else _("%(minutes)d min", minutes=minutes)
    )


def deadline_text(deadline: Deadline) -> str:
    """``3 h 20 min working time left`` / ``overdue by 40 min working time`` / a stopped clock / ``—``."""
    if deadline.working_seconds is None:
        if deadline.kept_seconds is not None:
            return _("Clock stopped; %(time)s working time kept", time=span(deadline.kept_seconds))
        return "—"
    if deadline.overdue:
        return _("overdue by %(time)s working time", time=span(deadline.working_seconds))
    return _("%(time)s working time left", time=span(deadline.working_seconds))


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "state_label": state_label,
        "category_label": category_label,
        "workflow_title": workflow_title,
        "deadline_text": deadline_text,
    }


# --- lists -----------------------------------------------------------------------------------------


@bp.get("/queue")
@requires("staff")
def queue() -> str:
    """Open tickets I hold or my posts hold unclaimed, most urgent first."""
    page = queues.my_queue(service(), current_user.id, now(), page_number())
    return render_template("staff/queue.html", page=page)


@bp.get("/accountable")
@requires("staff")
def accountable() -> str:
    """Tickets I am first responder for, wherever they are now."""
    page = queues.accountable(service(), current_user.id, now(), page_number())
    return render_template("staff/accountable.html", page=page)


@bp.get("/callbacks")
@requires("staff")
def callbacks() -> str:
    """Resolved and referred tickets waiting for my telephone callback."""
    page = queues.callbacks_due(service(), current_user.id, now(), page_number())
    return render_template("staff/callbacks.html", page=page)


# --- the ticket page and its actions ---------------------------------------------------------------


def _view(number: str, refused: int) -> TicketView:
    """The ticket page's data; ``refused`` (404 or 403) when the ticket is outside the user's scope."""
    view = queues.ticket_view(service(), number, current_user.id, now())
    if not current_user.can_see(view.ticket):
        abort(refused)
    return view


def _post_choice(view: TicketView, post: Post) -> SelectChoice:
    holders = " / ".join(view.person(holder) for holder in (post.holder_a, post.holder_b))
    return SelectChoice(post.id, f"{term(POST_KINDS, post.kind)} · {view.unit_name(post.unit_id)} — {holders}")


def _action_form(action: str, view: TicketView, formdata: MultiDict[str, str] | None = None) -> ActionForm:
    """A fresh form showing the ticket's version, or the posted one."""
    data = None if formdata is not None else {"version": str(view.ticket.version)}
    form = ACTION_FORMS[action](formdata=formdata, data=data, prefix=action)
    if isinstance(form, TransferForm):
        form.target_post.choices = [
            SelectChoice("", _("— choose a post —")),
            *(_post_choice(view, p) for p in view.targets),
        ]
    if isinstance(form, ExtendForm):
        form.by.choices = [SelectChoice(str(d), working_time(d)) for d in view.extensions]
        if formdata is None and view.extensions:
            offered = [str(d) for d in view.extensions]
            form.by.data = "1d" if "1d" in offered else offered[0]
    return form


def _ticket_page(
    view: TicketView, failed: tuple[str, ActionForm] | None = None, message: str | None = None, status: int = 200
) -> tuple[str, int]:
    """The page with a form for each action allowed now; a failed form keeps what was typed and its errors."""
    shown = [name for name in ORDER if name in view.actions or (failed and name == failed[0])]
    forms = {name: failed[1] if failed and name == failed[0] else _action_form(name, view) for name in shown}
    failed_action = failed[0] if failed else None
    return render_template("staff/ticket.html", view=view, forms=forms, failed=failed_action, message=message), status


@bp.get("/t/<ticket:number>")
@requires("staff")
def ticket(number: str) -> tuple[str, int]:
    """Details, history, deadlines and the actions I may take now."""
    return _ticket_page(_view(number, 404))


@bp.post("/t/<ticket:number>/<action>")
@requires("staff")
def act(number: str, action: str) -> ResponseReturnValue:
    """Apply one action; a refusal or a stale version re-shows the page with what was typed."""
    if action not in ACTION_FORMS:
        abort(404)
    view = _view(number, 404)
    form = _action_form(action, view, request.form)
    if not form.validate():
        return _ticket_page(view, (action, form), status=400)
    try:
        changed = service().act(
            view.ticket.number, action, current_user.id, now(), expected_version=int(form.version.data), **form.params()
        )
    except Conflict:
        view = _view(number, 404)
        form.version.data = str(view.ticket.version)
        message = _("Someone else changed this ticket — here is the current state.")
        return _ticket_page(view, (action, form), message=message, status=409)
    except (InvalidInput, NotAllowed) as error:
        form.form_errors.append(message_of(error))
        return _ticket_page(view, (action, form), status=status_of(error))
    flash(_("Done: %(action)s.", action=term(ACTION_TITLES, action)))
    if current_user.can_see(changed):
        return redirect(url_for(".ticket", number=changed.number))
    return redirect(url_for(".queue"))


# --- registering a request and recording an absence ---------------------------------------------


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
