"""A community's service list (服务清单) for its staff: the items, publishing one, and working an item's claims.

The list shows the items of the communities the user works for; an item's page (with claimants' names and
phones) only to staff of the item's community (403 for others, 404 for an unknown item).  Each action calls one
use case of ``Volunteering``; a refusal re-shows the item page with the message and its status.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ticketing.domain.errors import TicketingError
from ticketing.domain.field_rules import MAX_REASON
from ticketing.domain.volunteering.model import Claimant, ClaimantKind, ItemKind, ItemStatus
from ticketing.domain.volunteering.records import MAX_WHAT
from ticketing.domain.volunteering.service_list import MAX_DESCRIPTION, MAX_HOURS_EACH, MAX_PEOPLE, MAX_TITLE, Draft
from ticketing.read import service_list as reads
from ticketing.read.service_list import ItemView
from ticketing.web.community.blueprint import bp, my_communities, require_community
from ticketing.web.context import now, service
from ticketing.web.errors import message_of, status_of
from ticketing.web.fields import sane_date, stripped
from ticketing.web.inputs import MAX_PAGE
from ticketing.web.nav import requires
from ticketing.web.volunteer_labels import ITEM_KINDS, ITEM_STATUSES

PUBLIC_NOTE = _l(
    "Published on the community's service list for everyone to read: give no resident's name, phone or exact address."
)


def _today() -> date:
    return service().volunteering.today(now())


class ListFilterForm(FlaskForm):
    """The list's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    community = SelectField(_l("Community"), choices=[], default="")
    kind = SelectField(_l("List"), choices=[], default="")
    status = SelectField(_l("Status"), choices=[], default="")
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_PAGE)])


class PublishForm(FlaskForm):
    community = SelectField(
        _l("Community"), choices=[], validate_choice=False, validators=[DataRequired(_l("Choose the community."))]
    )
    kind = SelectField(_l("List"), choices=[])
    title = StringField(
        _l("Title"), filters=[stripped], validators=[DataRequired(_l("Give a title.")), Length(max=MAX_TITLE)]
    )
    description = TextAreaField(
        _l("Public description"),
        filters=[stripped],
        validators=[DataRequired(_l("Say what is wanted.")), Length(max=MAX_DESCRIPTION)],
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Give the first day.")), sane_date])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Give the last day.")), sane_date])
    people = IntegerField(
        _l("People wanted"),
        default=1,
        validators=[InputRequired(_l("How many people?")), NumberRange(min=1, max=MAX_PEOPLE)],
    )
    hours_each = DecimalField(
        _l("Hours per person (optional)"),
        places=None,
        validators=[Optional(), NumberRange(min=0.5, max=MAX_HOURS_EACH)],
    )


class DeclineForm(FlaskForm):
    reason = StringField(
        _l("Reason"), filters=[stripped], validators=[DataRequired(_l("Say why.")), Length(max=MAX_REASON)]
    )


class RecordForm(FlaskForm):
    served_on = DateField(_l("Date"), validators=[InputRequired(_l("Give the day of the service.")), sane_date])
    hours = DecimalField(
        _l("Hours per person"),
        places=None,
        validators=[InputRequired(_l("How many hours?")), NumberRange(min=0.5, max=MAX_HOURS_EACH)],
    )
    what = StringField(
        _l("What was done"),
        filters=[stripped],
        validators=[DataRequired(_l("Write what was done.")), Length(max=MAX_WHAT)],
    )
    people = IntegerField(
        _l("People"), default=1, validators=[InputRequired(_l("How many people?")), NumberRange(min=1, max=MAX_PEOPLE)]
    )


class EnterClaimForm(FlaskForm):
    claimant = SelectField(_l("Who claims"), choices=[], validate_choice=False)
    people = IntegerField(
        _l("People"), default=1, validators=[InputRequired(_l("How many people?")), NumberRange(min=1, max=MAX_PEOPLE)]
    )


class EmptyForm(FlaskForm):
    """A button's form: its CSRF token only."""


def _kinds() -> list[tuple[str, str]]:
    return [(kind.value, str(ITEM_KINDS[kind])) for kind in ItemKind]


# --- the list


@bp.get("/list")
@requires("community")
def service_list() -> tuple[str, int]:
    """The items of the communities I work for, open ones first; filters by community, list and status."""
    mine = my_communities()
    form = ListFilterForm(formdata=request.args)
    anything = [("", _("Any"))]
    form.community.choices = anything + mine
    form.kind.choices = anything + _kinds()
    form.status.choices = anything + [(status.value, str(ITEM_STATUSES[status])) for status in ItemStatus]
    page = None
    if form.validate():
        communities = [form.community.data] if form.community.data else [cid for cid, _name in mine]
        kind = ItemKind(form.kind.data) if form.kind.data else None
        status = ItemStatus(form.status.data) if form.status.data else None
        page = reads.items(service(), communities, kind, status, form.page.data or 1)
    query = {key: value for key, value in request.args.items() if key != "page"}
    names = dict(mine)
    page_html = render_template(
        "community/list.html", form=form, page=page, query=query, names=names, today=_today(), several=len(mine) > 1
    )
    return page_html, 200 if page else 400


# --- publishing


@bp.route("/list/new", methods=["GET", "POST"])
@requires("community")
def new_item() -> ResponseReturnValue:
    """Publish an item on the service list of a community I work for: it is open for claims at once."""
    mine = my_communities()
    form = PublishForm()
    form.community.choices = mine
    form.kind.choices = _kinds()
    refusal = None
    if form.validate_on_submit():
        community = require_community(form.community.data)
        draft = Draft(
            ItemKind(form.kind.data),
            form.title.data,
            form.description.data,
            form.starts_on.data,
            form.ends_on.data,
            form.people.data,
            float(form.hours_each.data or 0),
        )
        try:
            item_id = service().volunteering.publish(community, draft, current_user.id, now())
        except TicketingError as error:
            refusal = message_of(error)
            status = status_of(error)
        else:
            flash(_("Published: the item is open for claims."))
            return redirect(url_for(".item", item_id=item_id))
    else:
        status = 400 if form.is_submitted() else 200
        if not form.is_submitted():
            today = _today()
            form.starts_on.data = today
            form.ends_on.data = today + timedelta(days=30)
            if request.args.get("community") in dict(mine):
                form.community.data = request.args["community"]
    return render_template("community/list_new.html", form=form, refusal=refusal, public_note=PUBLIC_NOTE), status


# --- one item


def _item_or_abort(item_id: int) -> ItemView:
    """The item, if the user works for its community: 404 if there is none, 403 for staff of other communities."""
    found = reads.item_view(service(), item_id, _today())
    if found is None:
        abort(404)
    if not current_user.works_for(found.item.community_id):
        abort(403)
    return found


def _claim_item(claim_id: int) -> ItemView:
    item_id = reads.claim_item(service(), claim_id)
    if item_id is None:
        abort(404)
    return _item_or_abort(item_id)


def _item_page(
    view: ItemView,
    refusal: str | None = None,
    status: int = 200,
    failed: str | None = None,
    errors: list[str] | None = None,
) -> tuple[str, int]:
    """The item page; ``failed`` names the refused form (``decline-3``, ``record-3``, ``claim``), kept as typed."""
    names = dict(my_communities())
    page = render_template(
        "community/item.html",
        view=view,
        community=names.get(view.item.community_id, view.item.community_id),
        refusal=refusal,
        failed=failed,
        errors=errors or [],
        typed=request.form if failed else {},
        today=view.today,
    )
    return page, status


def _field_errors(form: FlaskForm) -> list[str]:
    return [f"{field.label.text}: {error}" for field in form for error in field.errors]


@bp.get("/list/<int:item_id>")
@requires("community")
def item(item_id: int) -> tuple[str, int]:
    """The item, its claims (who, how many, their phones) and what staff may do with them."""
    return _item_page(_item_or_abort(item_id))


def _done(item_id: int, message: str) -> ResponseReturnValue:
    flash(message)
    return redirect(url_for(".item", item_id=item_id))


def _refused(item_id: int, error: TicketingError, failed: str | None = None) -> tuple[str, int]:
    return _item_page(_item_or_abort(item_id), message_of(error), status_of(error), failed)


def _end(item_id: int, to: ItemStatus, said: str) -> ResponseReturnValue:
    _item_or_abort(item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service().volunteering.end_item(item_id, to, current_user.id, now())
    except TicketingError as error:
        return _refused(item_id, error)
    return _done(item_id, said)


@bp.post("/list/<int:item_id>/close")
@requires("community")
def close_item(item_id: int) -> ResponseReturnValue:
    """Done: confirmed claims are completed, unconfirmed ones lapse."""
    return _end(item_id, ItemStatus.CLOSED, _("Closed: confirmed claims are completed."))


@bp.post("/list/<int:item_id>/cancel")
@requires("community")
def cancel_item(item_id: int) -> ResponseReturnValue:
    """Withdrawn: its claims lapse."""
    return _end(item_id, ItemStatus.CANCELLED, _("Cancelled: its claims lapse."))


def _claimant(value: str | None) -> Claimant | None:
    """``member:3``, ``unit:4``, ``team:1`` as a claimant; None if it is none of them."""
    kind, _sep, number = (value or "").partition(":")
    if kind not in {k.value for k in ClaimantKind} or not (number.isascii() and number.isdigit() and len(number) < 10):
        return None
    return Claimant(ClaimantKind(kind), int(number))


@bp.post("/list/<int:item_id>/claims")
@requires("community")
def enter_claim(item_id: int) -> ResponseReturnValue:
    """A claim a member, unit or team made by phone or in person, entered for them."""
    view = _item_or_abort(item_id)
    form = EnterClaimForm()
    claimant = _claimant(form.claimant.data)
    if not form.validate_on_submit() or claimant is None:
        errors = _field_errors(form) + ([] if claimant else [_("Choose who claims.")])
        return _item_page(view, status=400, failed="claim", errors=errors)
    try:
        service().volunteering.claim_for(current_user.id, item_id, claimant, form.people.data, now())
    except TicketingError as error:
        return _refused(item_id, error, "claim")
    return _done(item_id, _("Claim entered: confirm it when the claimant is sure to come."))


@bp.post("/claims/<int:claim_id>/confirm")
@requires("community")
def confirm_claim(claim_id: int) -> ResponseReturnValue:
    """The community accepts a claim: the claimant serves."""
    view = _claim_item(claim_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service().volunteering.confirm(claim_id, current_user.id, now())
    except TicketingError as error:
        return _refused(view.item.id, error)
    return _done(view.item.id, _("Claim confirmed."))


@bp.post("/claims/<int:claim_id>/decline")
@requires("community")
def decline_claim(claim_id: int) -> ResponseReturnValue:
    """The community turns a claim down, saying why."""
    view = _claim_item(claim_id)
    form = DeclineForm()
    failed = f"decline-{claim_id}"
    if not form.validate_on_submit():
        return _item_page(view, status=400, failed=failed, errors=_field_errors(form))
    try:
        service().volunteering.decline(claim_id, current_user.id, form.reason.data, now())
    except TicketingError as error:
        return _refused(view.item.id, error, failed)
    return _done(view.item.id, _("Claim declined."))


@bp.post("/claims/<int:claim_id>/service")
@requires("community")
def record_claim(claim_id: int) -> ResponseReturnValue:
    """Service done on a confirmed claim goes on the claimant's record card."""
    view = _claim_item(claim_id)
    form = RecordForm()
    failed = f"record-{claim_id}"
    claim = next((c for c in view.claims if c.id == claim_id), None)
    if not form.validate_on_submit() or claim is None:
        return _item_page(view, status=400, failed=failed, errors=_field_errors(form))
    try:
        service().volunteering.record_service(
            current_user.id,
            Claimant(claim.kind, claim.claimant_id),
            form.served_on.data,
            float(form.hours.data),
            form.what.data,
            now(),
            claim_id=claim_id,
            people=form.people.data,
        )
    except TicketingError as error:
        return _refused(view.item.id, error, failed)
    return _done(view.item.id, _("Service recorded on the record card."))
