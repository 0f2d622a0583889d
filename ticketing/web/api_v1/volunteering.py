"""双报到 and volunteer service: registrations, teams, the service list, claims, record cards, help with tickets.

Staff act as themselves (the token's staff member): the community's staff list registrants with their personal
data, publish and close items, enter, confirm and decline claims and record service; its managers (the party
secretary's post, the service centre) also decide registrations and keep teams; admins do all of it anywhere.
The rules' refusals are 403 ``not_allowed``; unknown ids 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ticketing.domain.volunteering import ticket_help
from ticketing.domain.volunteering.model import Claimant, ClaimantKind, ItemKind, ItemStatus
from ticketing.domain.volunteering.service_list import Draft
from ticketing.read import volunteer_api as lists
from ticketing.schemas import volunteering as schema
from ticketing.web.api_v1.auth import user
from ticketing.web.api_v1.blueprint import BODY, NUMBER, answers, api, bp
from ticketing.web.api_v1.tickets import visible_view
from ticketing.web.context import now, service

TAGS = ["volunteering"]
PREFIX = "/volunteering"
HELP_DAYS = 7  # a ticket's need runs a week unless its last day is given


def _ids(**described: str) -> dict[str, str]:
    return described


REGISTRANT_ID = _ids(registrant_id="The registration's id, as listed by `GET /api/v1/volunteering/registrations`.")
TEAM_ID = _ids(team_id="The team's id, as listed by `GET /api/v1/volunteering/teams`.")
ITEM_ID = _ids(item_id="The item's id, as listed by `GET /api/v1/volunteering/items`.")
CLAIM_ID = _ids(claim_id="The claim's id, as shown with its item (`GET /api/v1/volunteering/items/{item_id}`).")


def _item(item_id: int) -> schema.ItemDetail:
    detail = lists.item(service(), user().id, item_id)
    return schema.ItemDetail.of(detail.item, detail.taken, detail.claims, service().worlds.tz)


def _change(operation: str, model: type[schema.Request], ok: Any, *errors: int, **paths: str) -> Callable[..., Any]:
    """A POST on one thing: its body model, what it answers and how it may be refused."""
    return api.validate(
        json=model,
        resp=answers(200, ok, *errors, *BODY),
        tags=TAGS,
        operation_id=operation,
        path_parameter_descriptions=paths,
    )


# --- registrations (双报到)


@bp.get(f"{PREFIX}/registrations")
@api.validate(resp=answers(200, schema.RegistrationPage, 403, 404, 422), tags=TAGS, operation_id="listRegistrations")
def list_registrations(query: schema.RegistrationQuery) -> schema.RegistrationPage:
    """Units and in-service party members registered with the communities you work for, newest first

    With their names and phones: community staff and admins only.
    """
    page = lists.registrations(service(), user().id, query.community, query.status, query.kind, query.page)
    return schema.RegistrationPage(
        items=[schema.Registration.of(found, service().worlds.tz) for found in page.items],
        page=page.number,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
    )


@bp.post(f"{PREFIX}/registrations/<int:registrant_id>/decision")
@_change("decideRegistration", schema.Decision, schema.Registration, 403, 404, **REGISTRANT_ID)
def decide_registration(registrant_id: int, json: schema.Decision) -> schema.Registration:
    """Approve or reject a registration, or record that an approved one left (the community's managers)"""
    decided = service().volunteering.decide(registrant_id, json.status, user().id, now())
    return schema.Registration.of(decided, service().worlds.tz)


@bp.post(f"{PREFIX}/registrations/<int:registrant_id>/link")
@_change("issueRegistrantLink", schema.NoFields, schema.Link, 403, 404, **REGISTRANT_ID)
def issue_link(registrant_id: int) -> schema.Link:
    """A new personal link for a registrant (shown once; the old one stops working)

    No fields: send no body or `{}`.
    """
    return schema.Link(link=service().volunteering.issue_link(registrant_id, user().id, now()))


# --- volunteer teams (志愿服务队)


@bp.get(f"{PREFIX}/teams")
@api.validate(resp=answers(200, schema.TeamList, 403, 404, 422), tags=TAGS, operation_id="listTeams")
def list_teams(query: schema.CommunityQuery) -> schema.TeamList:
    """The volunteer teams of the communities you work for, active ones first"""
    return schema.TeamList(
        items=[schema.Team.of(found) for found in lists.teams(service(), user().id, query.community)]
    )


@bp.post(f"{PREFIX}/teams")
@api.validate(
    json=schema.NewTeam,
    resp=answers(201, schema.Created, 403, 404, *BODY, done="Created."),
    tags=TAGS,
    operation_id="createTeam",
)
def create_team(json: schema.NewTeam) -> tuple[schema.Created, int]:
    """Form a volunteer team of approved members under a service brand (the community's managers)"""
    team_id = service().volunteering.create_team(
        json.community, json.name, json.brand or "", json.members, json.leader, user().id, now()
    )
    return schema.Created(id=team_id), 201


@bp.post(f"{PREFIX}/teams/<int:team_id>")
@_change("changeTeam", schema.TeamChange, schema.Team, 403, 404, **TEAM_ID)
def change_team(team_id: int, json: schema.TeamChange) -> schema.Team:
    """Change a team: its name, brand, members and leader as sent replace the old ones (the community's managers)

    Members must be the community's approved party members (403), the leader one of them (400); a disbanded
    team no longer changes (403). Answers the team as `GET /api/v1/volunteering/teams` lists it.
    """
    service().volunteering.change_team(team_id, json.name, json.brand or "", json.members, json.leader, user().id)
    return schema.Team.of(lists.team(service(), user().id, team_id))


@bp.post(f"{PREFIX}/teams/<int:team_id>/disband")
@_change("disbandTeam", schema.NoFields, schema.Created, 403, 404, **TEAM_ID)
def disband_team(team_id: int) -> schema.Created:
    """Disband a team: it claims no more, its record card stays (the community's managers)

    No fields: send no body or `{}`.
    """
    service().volunteering.disband_team(team_id, user().id, now())
    return schema.Created(id=team_id)


# --- the service list (服务清单) and claims (认领)


@bp.get(f"{PREFIX}/items")
@api.validate(resp=answers(200, schema.ItemPage, 403, 404, 422), tags=TAGS, operation_id="listItems")
def list_items(query: schema.ItemQuery) -> schema.ItemPage:
    """The service lists of the communities you work for, newest first, with the places left"""
    page = lists.items(service(), user().id, query.community, query.kind, query.status, query.page)
    return schema.ItemPage(
        items=[schema.Item(**schema.Item.fields_of(found, taken)) for found, taken in page.items],
        page=page.number,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
    )


@bp.post(f"{PREFIX}/items")
@api.validate(
    json=schema.NewItem,
    resp=answers(201, schema.ItemDetail, 403, *BODY, done="Published."),
    tags=TAGS,
    operation_id="publishItem",
)
def publish_item(json: schema.NewItem) -> tuple[schema.ItemDetail, int]:
    """Publish a need, resource or project on a community's service list: open for claims at once"""
    draft = Draft(
        ItemKind(json.kind),
        json.title,
        json.description,
        json.starts_on,
        json.ends_on,
        json.people_wanted,
        json.hours_each or 0.0,
    )
    item_id = service().volunteering.publish(json.community, draft, user().id, now())
    return _item(item_id), 201


@bp.get(f"{PREFIX}/items/<int:item_id>")
@api.validate(
    resp=answers(200, schema.ItemDetail, 403, 404, 422),
    tags=TAGS,
    operation_id="showItem",
    path_parameter_descriptions=ITEM_ID,
)
def show_item(item_id: int, query: schema.NoParameters) -> schema.ItemDetail:
    """An item of the service list with its claims and who made them"""
    return _item(item_id)


def _end(item_id: int, status: ItemStatus) -> schema.ItemDetail:
    service().volunteering.end_item(item_id, status, user().id, now())
    return _item(item_id)


@bp.post(f"{PREFIX}/items/<int:item_id>/close")
@_change("closeItem", schema.NoFields, schema.ItemDetail, 403, 404, **ITEM_ID)
def close_item(item_id: int) -> schema.ItemDetail:
    """Close an item as done: confirmed claims are completed, unconfirmed ones lapse

    No fields: send no body or `{}`.
    """
    return _end(item_id, ItemStatus.CLOSED)


@bp.post(f"{PREFIX}/items/<int:item_id>/cancel")
@_change("cancelItem", schema.NoFields, schema.ItemDetail, 403, 404, **ITEM_ID)
def cancel_item(item_id: int) -> schema.ItemDetail:
    """Cancel an item: its live claims lapse

    No fields: send no body or `{}`.
    """
    return _end(item_id, ItemStatus.CANCELLED)


@bp.post(f"{PREFIX}/items/<int:item_id>/claims")
@api.validate(
    json=schema.NewClaim,
    resp=answers(201, schema.Claim, 403, 404, 409, *BODY, done="Claimed."),
    tags=TAGS,
    operation_id="claimItem",
    path_parameter_descriptions=ITEM_ID,
)
def claim_item(item_id: int, json: schema.NewClaim) -> tuple[schema.Claim, int]:
    """Enter a claim a member, unit or team made by phone or in person (it waits for confirmation)"""
    claimant = Claimant(ClaimantKind(json.claimant_kind), json.claimant_id)
    claim_id = service().volunteering.claim_for(user().id, item_id, claimant, json.people, now())
    return _claim_of(item_id, claim_id), 201


def _claim_of(item_id: int, claim_id: int) -> schema.Claim:
    return next(claim for claim in _item(item_id).claims if claim.id == claim_id)


@bp.post(f"{PREFIX}/claims/<int:claim_id>/confirm")
@_change("confirmClaim", schema.NoFields, schema.Claim, 403, 404, **CLAIM_ID)
def confirm_claim(claim_id: int) -> schema.Claim:
    """Accept a claim: the claimant serves

    No fields: send no body or `{}`.
    """
    found = service().volunteering.confirm(claim_id, user().id, now())
    return _claim_of(found.item_id, found.id)


@bp.post(f"{PREFIX}/claims/<int:claim_id>/decline")
@_change("declineClaim", schema.DeclineBody, schema.Claim, 403, 404, **CLAIM_ID)
def decline_claim(claim_id: int, json: schema.DeclineBody) -> schema.Claim:
    """Turn a claim down, saying why"""
    found = service().volunteering.decline(claim_id, user().id, json.reason or "", now())
    return _claim_of(found.item_id, found.id)


@bp.post(f"{PREFIX}/claims/<int:claim_id>/service")
@api.validate(
    json=schema.ServiceBody,
    resp=answers(201, schema.Claim, 403, 404, *BODY, done="Recorded."),
    tags=TAGS,
    operation_id="recordService",
    path_parameter_descriptions=CLAIM_ID,
)
def record_service(claim_id: int, json: schema.ServiceBody) -> tuple[schema.Claim, int]:
    """Put service done on a confirmed claim on its claimant's record card"""
    found = lists.claim(service(), claim_id)
    service().volunteering.record_service(
        user().id, found.claimant, json.served_on, json.hours, json.what, now(), claim_id, json.people
    )
    return _claim_of(found.item_id, claim_id), 201


# --- record cards (服务记录卡)


@bp.get(f"{PREFIX}/cards")
@api.validate(resp=answers(200, schema.Cards, 403, 404, 422), tags=TAGS, operation_id="cardTotals")
def card_totals(query: schema.CardQuery) -> schema.Cards:
    """Each member's, unit's and team's service over a period: entries and person-hours, most first"""
    totals = lists.card_totals(service(), user().id, query.first, query.last, service().worlds.tz, query.community)
    return schema.Cards(
        starts_on=query.first,
        ends_on=query.last,
        items=[schema.CardTotal.of(total) for total in totals],
    )


# --- volunteer help with a ticket


@bp.post("/tickets/<number>/help")
@api.validate(
    json=schema.HelpRequest,
    resp=answers(201, schema.Created, 403, 404, 409, *BODY, done="Asked: the need's id."),
    tags=TAGS,
    operation_id="askHelp",
    path_parameter_descriptions=NUMBER,
)
def ask_help(number: str, json: schema.HelpRequest) -> tuple[schema.Created, int]:
    """Ask the ticket's community for volunteer help: a need on its service list, linked to the ticket

    The holders of the ticket's post and its first responder, while it is open; one open need at a time.
    """
    visible_view(number)
    today = service().volunteering.today(now())
    draft = Draft(
        ItemKind.NEED,
        json.title,
        json.description,
        today,
        json.ends_on or today + timedelta(days=HELP_DAYS),
        json.people_wanted,
        json.hours_each or ticket_help.DEFAULT_HOURS,
    )
    return schema.Created(id=service().volunteering.ask_help(number, user().id, draft, now())), 201
