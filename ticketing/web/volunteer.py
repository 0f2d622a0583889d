"""双报到, the public side (no account): register with a community, then serve through one's own link.

A unit stationed in the community (驻区单位) or an in-service party member (在职党员) fills in the form, checks
what they typed on a preview page and confirms; only then is the registration written (pending until the
community's managers approve it).  The receipt shows the registrant's own link once: behind it they see their
registration, record card (服务记录卡) and claims, claim items of their community's service list once approved
(for themselves, or for a team they lead) and withdraw a live claim.  A community's public service list shows
what is asked for and offered, never who registered or claimed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ticketing.domain.errors import TicketingError
from ticketing.domain.field_rules import MAX_ID, PHONE, typed_digits
from ticketing.domain.volunteering.model import RegistrantKind
from ticketing.domain.volunteering.registration import (
    MAX_HOURS_PER_MONTH,
    MAX_NAME,
    MAX_SKILLS,
    MAX_WORK_UNIT,
    Application,
)
from ticketing.domain.volunteering.service_list import MAX_PEOPLE
from ticketing.read import volunteer_own as read
from ticketing.web.context import now, service
from ticketing.web.errors import message_of, status_of
from ticketing.web.extensions import limiter
from ticketing.web.fields import Fits, stripped, typed_phone
from ticketing.web.ratelimit import configured
from ticketing.web.volunteer_labels import REGISTRANT_KINDS

bp = Blueprint("volunteer", __name__, url_prefix="/v")

RECEIPT = "volunteer_receipt"
PRIVATE = frozenset(
    {"volunteer.registered", "volunteer.me", "volunteer.items", "volunteer.claim", "volunteer.withdraw"}
)
AT_MOST = _l("At most %(max)d characters.")


def typed_digits_or_none(value: str | None) -> str | None:
    """A field filter: digits as typed (full-width too) in ASCII, without spaces."""
    return typed_digits(value) if isinstance(value, str) else value


def _hours(form: FlaskForm, field: StringField) -> None:
    """The hours a month a member can give: empty (none said) or a whole number within the domain's bounds."""
    value = field.data or ""
    if value and not (value.isascii() and value.isdigit() and int(value) <= MAX_HOURS_PER_MONTH):
        raise ValidationError(_("A whole number of hours from %(min)d to %(max)d.", min=0, max=MAX_HOURS_PER_MONTH))


def _required_for(kind: RegistrantKind, message: LazyString) -> Any:
    """A validator: the field must be filled in when the form registers ``kind``."""

    def check(form: FlaskForm, field: Any) -> None:
        if form.kind.data == kind.value and not field.data:
            raise ValidationError(str(message))

    return check


class RegistrationForm(FlaskForm):
    """A registration (双报到): the community, who registers and how the community reaches them."""

    community = SelectField(validators=[InputRequired(_l("Choose your community."))], validate_choice=False)
    kind = RadioField(
        choices=[
            SelectChoice(kind.value, REGISTRANT_KINDS[kind]) for kind in (RegistrantKind.MEMBER, RegistrantKind.UNIT)
        ],
        validators=[InputRequired(_l("Say whether you register as a party member or as a unit."))],
        validate_choice=False,
    )
    name = StringField(
        filters=[stripped],
        validators=[DataRequired(_l("Give the name.")), Length(max=MAX_NAME, message=AT_MOST)],
    )
    phone = TelField(
        filters=[typed_phone],
        validators=[
            DataRequired(_l("Give a phone number the community can call.")),
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
        filters=[stripped],
        validators=[
            _required_for(RegistrantKind.UNIT, _l("A unit gives its contact person.")),
            Length(max=MAX_NAME, message=AT_MOST),
        ],
    )
    offer = TextAreaField(
        filters=[stripped],
        validators=[
            _required_for(RegistrantKind.UNIT, _l("Say what the unit can offer.")),
            Length(max=MAX_SKILLS, message=AT_MOST),
        ],
    )
    work_unit = StringField(
        filters=[stripped],
        validators=[
            _required_for(RegistrantKind.MEMBER, _l("Give the unit you work for.")),
            Length(max=MAX_WORK_UNIT, message=AT_MOST),
        ],
    )
    skills = TextAreaField(filters=[stripped], validators=[Length(max=MAX_SKILLS, message=AT_MOST)])
    hours_per_month = StringField(filters=[typed_digits_or_none], validators=[_hours])

    def offer_communities(self, streets: list[read.Street]) -> None:
        blank = SelectChoice("", "—")
        self.community.choices = [blank, *(SelectChoice(c.id, c.name) for s in streets for c in s.communities)]

    def validate_community(self, field: SelectField) -> None:
        """Our words for a community not on the list (WTForms' own would be English on a Chinese page)."""
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise ValidationError(_("Choose your community from the list."))

    def validate_kind(self, field: RadioField) -> None:
        if field.data not in set(RegistrantKind):
            raise ValidationError(_("Say whether you register as a party member or as a unit."))

    @property
    def registrant_kind(self) -> RegistrantKind:
        return RegistrantKind(self.kind.data)

    def application(self) -> Application:
        """What the form gives, the other kind's fields left out."""
        unit = self.registrant_kind is RegistrantKind.UNIT
        return Application(
            self.community.data,
            self.registrant_kind,
            self.name.data,
            self.phone.data,
            contact_name=(self.contact_name.data or "") if unit else "",
            work_unit="" if unit else (self.work_unit.data or ""),
            skills="" if unit else (self.skills.data or ""),
            offer=(self.offer.data or "") if unit else "",
            hours_per_month=0 if unit else int(self.hours_per_month.data or 0),
        )


@bp.after_request
def _keep_private(response: Response) -> Response:
    """The pages that hold a registrant's link or data: no caching, not indexed, no referrer to other sites."""
    if request.endpoint in PRIVATE or request.endpoint == "volunteer.register":
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    if request.endpoint in PRIVATE:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(configured("track_limit"), methods=["POST"])
def register() -> str | tuple[str, int] | Response:
    """The form; a valid POST shows the preview; the preview's confirmation registers and goes to the receipt."""
    streets = read.streets(service())
    form = RegistrationForm()
    form.offer_communities(streets)
    if request.method != "POST":
        return render_template("volunteer/register.html", form=form, streets=streets)
    if not form.validate():
        return render_template("volunteer/register.html", form=form, streets=streets), 400
    step = request.form.get("step", "")
    if step == "edit":
        return render_template("volunteer/register.html", form=form, streets=streets)
    application = form.application()
    if step != "confirm":
        names = {c.id: c.name for street in streets for c in street.communities}
        shown = {"form": form, "application": application, "community": names[application.community_id]}
        return render_template("volunteer/preview.html", **shown)
    try:
        registered = service().volunteering.register(application, now())
    except TicketingError as error:
        refusal = message_of(error)
        return render_template("volunteer/register.html", form=form, streets=streets, refusal=refusal), status_of(error)
    session[RECEIPT] = {"link": registered.link}
    return redirect(url_for(".registered"))


@bp.get("/registered")
def registered() -> str | Response:
    """The receipt: the registrant's own link, shown this once (taken out of the session as it is shown)."""
    shown = session.pop(RECEIPT, None)
    if not shown:
        return redirect(url_for(".register"))
    link = url_for(".me", link=shown["link"], _external=True)
    return render_template("volunteer/registered.html", link=link)


@bp.get("/me/<link>")
def me(link: str) -> str:
    """The registrant's own page: registration, record card, claims (withdraw the live ones), teams led."""
    return render_template("volunteer/me.html", page=_own(link), link=link)


@bp.get("/me/<link>/items")
def items(link: str) -> str:
    """Their community's open items with places left, to claim once approved (for themselves or a team)."""
    return _items_page(link)


@bp.post("/me/<link>/claims")
def claim(link: str) -> str | tuple[str, int] | Response:
    """Claim an item through the link; refusals re-show the list with the reason."""
    page = _own(link)
    item_id = _whole(request.form.get("item_id"), 1, MAX_ID)
    team_text = request.form.get("team_id", "")
    team_id = _whole(team_text, 1, MAX_ID) if team_text else None
    people_text = request.form.get("people", "") or "1"
    people = _whole(people_text, 1, MAX_PEOPLE)
    if item_id is None or (team_text and team_id is None):
        return _items_page(link, _("This item is not on your community's list: reload the page.")), 400
    if people is None:
        refusal = _("Give the number of people as a whole number from %(min)d to %(max)d.", min=1, max=MAX_PEOPLE)
        return _items_page(link, refusal), 400
    try:
        service().volunteering.claim_by_link(link, item_id, now(), team_id=team_id, people=people)
    except TicketingError as error:
        return _items_page(link, message_of(error), page), status_of(error)
    flash(_("Your claim is sent. The community will confirm it."))
    return redirect(url_for(".me", link=link))


@bp.post("/me/<link>/claims/<int:claim_id>/withdraw")
def withdraw(link: str, claim_id: int) -> str | tuple[str, int] | Response:
    """Withdraw a live claim of one's own (or of a team one leads)."""
    page = _own(link)
    try:
        service().volunteering.withdraw_by_link(link, claim_id, now())
    except TicketingError as error:
        return render_template("volunteer/me.html", page=page, link=link, refusal=message_of(error)), status_of(error)
    flash(_("Your claim is withdrawn."))
    return redirect(url_for(".me", link=link))


@bp.get("/list/<community_id>")
def service_list(community_id: str) -> str:
    """A community's public service list: what is asked for and offered, and places left; no names, no phones."""
    community, listed = read.service_list(service(), community_id, _today())
    return render_template("volunteer/service_list.html", community=community, listed=listed)


def _today() -> date:
    return service().volunteering.today(now())


def _own(link: str) -> read.OwnPage:
    return read.own(service(), link, _today())


def _items_page(link: str, refusal: str | None = None, page: read.OwnPage | None = None) -> str:
    page = page or _own(link)
    _community, listed = read.service_list(service(), page.community.id, _today())
    claimed = {c.item_id for c in page.claims if c.live and c.team_name is None}
    shown = {"page": page, "link": link, "listed": listed, "claimed": claimed, "refusal": refusal}
    return render_template("volunteer/items.html", **shown)


def _whole(text: str | None, low: int, high: int) -> int | None:
    """A whole number typed in ASCII or full-width digits within ``low`` to ``high``, else None."""
    tidy = typed_digits(text or "")
    if not (tidy.isascii() and tidy.isdigit()) or len(tidy) > 10:
        return None
    value = int(tidy)
    return value if low <= value <= high else None
