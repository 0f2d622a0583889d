"""Volunteer teams (志愿服务队) for a community's staff: the list, a new team, one team, disbanding, service.

A team is made of the community's approved in-service party members, chosen by ticking them, with a leader
among them; its managers keep it, any of its staff record the service it did.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from ticketing.domain.errors import TicketingError
from ticketing.domain.volunteering.model import Claimant, ClaimantKind
from ticketing.domain.volunteering.service_list import MAX_PEOPLE
from ticketing.domain.volunteering.teams import MAX_BRAND, MAX_NAME
from ticketing.read import record_cards, registrants
from ticketing.web.community.blueprint import bp, my_communities, require_community
from ticketing.web.community.people import ServiceForm
from ticketing.web.context import now, service
from ticketing.web.errors import message_of, status_of
from ticketing.web.fields import stripped
from ticketing.web.nav import requires


class TeamForm(FlaskForm):
    name = StringField(
        _l("Team name"), filters=[stripped], validators=[InputRequired(_l("Name the team.")), Length(max=MAX_NAME)]
    )
    brand = StringField(_l("Service brand"), filters=[stripped], validators=[Length(max=MAX_BRAND)])
    members = SelectMultipleField(_l("Members"), coerce=int, validate_choice=True)
    leader = SelectField(_l("Leader"), coerce=lambda value: int(value) if value else None, validate_choice=True)

    def offer(self, community_id: str) -> list[registrants.Member]:
        """The community's approved members as the choices of members and leader."""
        members = registrants.approved_members(service(), community_id)
        self.members.choices = [(m.id, m.name) for m in members]
        self.leader.choices = [(None, _("No leader"))] + [(m.id, m.name) for m in members]
        return members


class TeamServiceForm(ServiceForm):
    people = IntegerField(
        _l("People"), default=1, validators=[InputRequired(_l("How many served?")), NumberRange(1, MAX_PEOPLE)]
    )


@bp.get("/teams")
@requires("community")
def teams() -> str:
    """My communities' volunteer teams: brand, leader, members and hours served."""
    mine = my_communities()
    return render_template(
        "community/teams.html",
        teams=registrants.teams(service(), [c for c, _name in mine]),
        names=dict(mine),
        manages_any=bool(my_communities(managed=True)),
    )


@bp.route("/teams/new", methods=["GET", "POST"])
@requires("community")
def new_team() -> ResponseReturnValue:
    """A new team of a community I manage: its name, brand, members and leader."""
    managed = my_communities(managed=True)
    if not managed:
        return render_template("community/team_new.html", form=None, managed=managed, community=None, members=[])
    asked = request.values.get("community") or managed[0][0]
    community = require_community(asked, managed=True)
    form = TeamForm()
    members = form.offer(community)
    refusal = None
    if form.validate_on_submit():
        try:
            team_id = service().volunteering.create_team(
                community,
                form.name.data,
                form.brand.data or "",
                form.members.data or [],
                form.leader.data,
                current_user.id,
                now(),
            )
        except TicketingError as error:
            refusal = message_of(error)
        else:
            flash(_("Team %(name)s created.", name=form.name.data))
            return redirect(url_for(".team", team_id=team_id))
    page = render_template(
        "community/team_new.html",
        form=form,
        managed=managed,
        community=community,
        members=members,
        refusal=refusal,
    )
    return page, (400 if form.errors or refusal else 200)


def _team_page(
    team_id: int,
    form: TeamForm | None = None,
    service_form: TeamServiceForm | None = None,
    refusal: str | None = None,
    code: int = 200,
) -> ResponseReturnValue:
    found, summary, members = registrants.team(service(), team_id)
    require_community(found.community_id)
    manager = current_user.manages(found.community_id)
    if form is None:
        form = TeamForm(formdata=None, name=found.name, brand=found.brand)
        form.offer(found.community_id)
        form.members.data = sorted(found.member_ids)
        form.leader.data = found.leader_id
    choices = registrants.approved_members(service(), found.community_id)
    page = render_template(
        "community/team.html",
        team=found,
        summary=summary,
        members=members,
        choices=choices,
        community=dict(my_communities()).get(found.community_id, found.community_id),
        card=record_cards.card(service(), team_id=team_id),
        manager=manager,
        form=form,
        service_form=service_form or TeamServiceForm(formdata=None),
        refusal=refusal,
    )
    return page, code


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@requires("community")
def team(team_id: int) -> ResponseReturnValue:
    """A team, its members and record card; its managers change its name, brand, members and leader."""
    found, _summary, _members = registrants.team(service(), team_id)
    require_community(found.community_id)
    if request.method == "GET":
        return _team_page(team_id)
    form = TeamForm()
    form.offer(found.community_id)
    if not form.validate_on_submit():
        return _team_page(team_id, form, code=400)
    try:
        service().volunteering.change_team(
            team_id, form.name.data, form.brand.data or "", form.members.data or [], form.leader.data, current_user.id
        )
    except TicketingError as error:
        return _team_page(team_id, form, refusal=message_of(error), code=status_of(error))
    flash(_("Team %(name)s saved.", name=form.name.data))
    return redirect(url_for(".team", team_id=team_id))


@bp.post("/teams/<int:team_id>/disband")
@requires("community")
def disband_team(team_id: int) -> ResponseReturnValue:
    """Disband a team: it claims no more; its record card stays."""
    found, _summary, _members = registrants.team(service(), team_id)
    require_community(found.community_id)
    if not FlaskForm().validate_on_submit():
        return _team_page(team_id, refusal=_("This form has expired: reload the page and send it again."), code=400)
    try:
        service().volunteering.disband_team(team_id, current_user.id, now())
    except TicketingError as error:
        return _team_page(team_id, refusal=message_of(error), code=status_of(error))
    flash(_("Team %(name)s disbanded; its record card stays.", name=found.name))
    return redirect(url_for(".team", team_id=team_id))


@bp.post("/teams/<int:team_id>/service")
@requires("community")
def record_team(team_id: int) -> ResponseReturnValue:
    """Record service the team did: the day, each person's hours, how many served and what."""
    found, _summary, _members = registrants.team(service(), team_id)
    require_community(found.community_id)
    form = TeamServiceForm()
    if not form.validate_on_submit():
        return _team_page(team_id, service_form=form, code=400)
    try:
        service().volunteering.record_service(
            current_user.id,
            Claimant(ClaimantKind.TEAM, team_id),
            form.served_on.data,
            form.hours.data,
            form.what.data,
            now(),
            people=form.people.data,
        )
    except TicketingError as error:
        return _team_page(team_id, service_form=form, refusal=message_of(error), code=status_of(error))
    flash(_("Service recorded on team %(name)s's record card.", name=found.name))
    return redirect(url_for(".team", team_id=team_id))
