"""``ticketing volunteers``: 双报到 registrations, volunteer teams, the service list, claims, record cards, help.

The operator at the command line may do everything (actor None); ``--as STAFF_ID`` acts as that staff member
instead, under the rules the web pages and the staff API follow.  Lists print one line a row, or with ``--json``
the staff API's answers (``ticketing.schemas.volunteering``), field for field.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.group import Group
from ticketing.domain.field_rules import MAX_ID, YEARS
from ticketing.domain.volunteering.model import (
    ClaimantKind,
    ItemKind,
    ItemStatus,
    RegistrantKind,
    RegistrationStatus,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ticketing.domain.volunteering.model import Claimant, Item, Registrant, Team

NOW_HELP = "Current time, ISO 8601 (default: now)."
AS_HELP = "Act as this staff member, under their rights (default: the operator, who may do everything)."
JSON_HELP = "Print the list as the staff API answers it (the same fields)."
Id = click.IntRange(min=1, max=MAX_ID)
People = click.IntRange(min=1, max=500)


class Day(click.ParamType):
    """A date, YYYY-MM-DD, in the years people give."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            found = date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date such as 2026-11-23", param, ctx)
        if found.year not in YEARS or len(str(value)) != 10:
            self.fail(f"{value!r}: give a date from {YEARS[0]} to {YEARS[-1]}, YYYY-MM-DD", param, ctx)
        return found


DAY = Day()


def _values(kind: Any) -> list[str]:
    return [member.value for member in kind]


def _actor(obj: CliContext, typed: str | None) -> str | None:
    return obj.staff_id(typed) if typed else None


def _print_json(models: list[BaseModel] | BaseModel) -> None:
    """A list or an answer as the staff API sends it, indented."""
    found = [m.model_dump(mode="json") for m in models] if isinstance(models, list) else models.model_dump(mode="json")
    click.echo(json.dumps(found, ensure_ascii=False, indent=2))


def _claimant(member: int | None, unit: int | None, team: int | None) -> Claimant:
    from ticketing.domain.volunteering.model import Claimant

    given = [(kind, found) for kind, found in ((ClaimantKind.MEMBER, member), (ClaimantKind.UNIT, unit)) if found]
    given += [(ClaimantKind.TEAM, team)] if team else []
    if len(given) != 1:
        raise click.UsageError("give exactly one of --member, --unit and --team")
    kind, claimant_id = given[0]
    assert claimant_id is not None
    return Claimant(kind, claimant_id)


def _claimant_options(command: Any) -> Any:
    claimants = (("team", "team's id"), ("unit", "unit's registration id"), ("member", "member's registration id"))
    for name, what in claimants:
        command = click.option(f"--{name}", type=Id, help=f"The {what}.")(command)
    return command


@click.group(cls=Group)
def volunteers() -> None:
    """双报到 and volunteer service: registrations, teams, the service list, claims, record cards."""


# --- registrations (双报到)


def _registration_line(found: Registrant) -> str:
    extra = found.work_unit if found.kind is RegistrantKind.MEMBER else f"contact {found.contact_name}"
    return (
        f"registration {found.id}  {found.status.value:<8} {found.kind.value:<6} {found.community_id}  "
        f"{found.name}  {found.phone}  {extra}"
    )


@volunteers.command()
@click.option("--community", required=True, help="The community's id (C0101).")
@click.option("--kind", type=click.Choice(_values(RegistrantKind)), required=True, help="A unit or a party member.")
@click.option("--name", required=True, help="The unit's or the member's name.")
@click.option("--phone", required=True, help="A mobile or a landline with its area code.")
@click.option("--contact-name", default="", help="A unit's contact person (required for a unit).")
@click.option("--work-unit", default="", help="A member's work unit (required for a member).")
@click.option("--skills", default="", help="What a member is good at.")
@click.option("--offer", default="", help="What a unit can offer (required for a unit).")
@click.option("--hours-per-month", type=click.IntRange(min=0, max=200), default=0, help="Hours a month a member gives.")
@click.option("--now", help=NOW_HELP)
@pass_context
def register(obj: CliContext, community: str, kind: str, now: str | None, **fields: Any) -> None:
    """Register a unit or an in-service party member with a community; prints its id and its link once."""
    from ticketing.domain.volunteering.registration import Application

    application = Application(community, RegistrantKind(kind), **fields)
    registered = obj.ticketing.volunteering.register(application, obj.moment(now))
    click.echo(f"registration {registered.id}: pending (the community's managers approve it)")
    click.echo(f"link: {registered.link}  (shown once: give it to the registrant)")


@volunteers.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--community", required=True, help="The community the rows register with.")
@click.option("--as", "actor", help=AS_HELP)
@click.option("--now", help=NOW_HELP)
@pass_context
def import_(obj: CliContext, file: Path, community: str, actor: str | None, now: str | None) -> None:
    """Import registrations from a CSV or XLSX file, approved at once; phones already registered are skipped."""
    from ticketing.organisation.registrant_files import read_registrants

    rows = read_registrants(file, community)
    done = obj.ticketing.volunteering.import_registrants(community, rows, _actor(obj, actor), obj.moment(now))
    click.echo(f"imported into {community}: {done.added} added, {done.skipped} skipped (already registered)")


@volunteers.command()
@click.option("--community", help="Only this community.")
@click.option("--status", type=click.Choice(_values(RegistrationStatus)), help="Only this status.")
@click.option("--kind", type=click.Choice(_values(RegistrantKind)), help="Only units or only members.")
@click.option("--as", "actor", help=AS_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_context
def registrations(
    obj: CliContext, community: str | None, status: str | None, kind: str | None, actor: str | None, as_json: bool
) -> None:
    """Registrations with names and phones, newest first."""
    from ticketing.read import volunteer_api as lists

    found: list[Registrant] = []
    number, more = 1, True
    while more:
        page = lists.registrations(obj.ticketing, _actor(obj, actor), community, status, kind, number)
        found += page.items
        number, more = number + 1, page.has_next
    if as_json:
        from ticketing.schemas.volunteering import Registration

        _print_json([Registration.of(row, obj.settings.tz) for row in found])
        return
    for row in found:
        click.echo(_registration_line(row))


@volunteers.command()
@click.argument("registration_id", type=Id)
@click.argument("status", type=click.Choice(_values(RegistrationStatus)))
@click.option("--as", "actor", help=AS_HELP)
@click.option("--now", help=NOW_HELP)
@pass_context
def decide(obj: CliContext, registration_id: int, status: str, actor: str | None, now: str | None) -> None:
    """Approve or reject registration REGISTRATION_ID, or record that an approved one left."""
    decided = obj.ticketing.volunteering.decide(registration_id, status, _actor(obj, actor), obj.moment(now))
    click.echo(_registration_line(decided))


@volunteers.command()
@click.argument("registration_id", type=Id)
@click.option("--as", "actor", help=AS_HELP)
@click.option("--now", help=NOW_HELP)
@pass_context
def link(obj: CliContext, registration_id: int, actor: str | None, now: str | None) -> None:
    """Issue a new personal link for a registrant (the old one stops working); printed once."""
    secret = obj.ticketing.volunteering.issue_link(registration_id, _actor(obj, actor), obj.moment(now))
    click.echo(f"link: {secret}  (shown once: give it to the registrant)")


# --- volunteer teams (志愿服务队)


def _team_line(found: Team) -> str:
    members = ",".join(str(member) for member in sorted(found.member_ids)) or "-"
    state = " [disbanded]" if found.disbanded else ""
    brand = f" ({found.brand})" if found.brand else ""
    return (
        f"team {found.id}  {found.community_id}  {found.name}{brand}  members {members}  "
        f"leader {found.leader_id or '-'}{state}"
    )


@volunteers.command("team-create")
@click.option("--community", required=True, help="The community's id.")
@click.option("--name", required=True, help="The team's name.")
@click.option("--brand", default="", help="Its service brand (服务品牌).")
@click.option("--member", "members", type=Id, multiple=True, help="An approved member's registration id (repeat).")
@click.option("--leader", type=Id, help="The leader, one of the members.")
@click.option("--as", "actor", help=AS_HELP)
@click.option("--now", help=NOW_HELP)
@pass_context
def team_create(
    obj: CliContext,
    community: str,
    name: str,
    brand: str,
    members: tuple[int, ...],
    leader: int | None,
    actor: str | None,
    now: str | None,
) -> None:
    """Form a volunteer team of a community's approved members under a service brand."""
    team_id = obj.ticketing.volunteering.create_team(
        community, name, brand, list(members), leader, _actor(obj, actor), obj.moment(now)
    )
    click.echo(f"team {team_id}: {name} created in {community}")


@volunteers.command("team-change")
@click.argument("team_id", type=Id)
@click.option("--name", required=True, help="The team's name.")
@click.option("--brand", default="", help="Its service brand (服务品牌; none if left out).")
@click.option(
    "--member", "members", type=Id, multiple=True, help="An approved member's registration id (repeat: all of them)."
)
@click.option("--leader", type=Id, help="The leader, one of the members (none if left out).")
@click.option("--as", "actor", help=AS_HELP)
@pass_context
def team_change(
    obj: CliContext,
    team_id: int,
    name: str,
    brand: str,
    members: tuple[int, ...],
    leader: int | None,
    actor: str | None,
) -> None:
    """Change a team's name, brand, members and leader: what is given replaces them all."""
    from ticketing.read import volunteer_api as lists

    acting = _actor(obj, actor)
    obj.ticketing.volunteering.change_team(team_id, name, brand, list(members), leader, acting)
    click.echo(_team_line(lists.team(obj.ticketing, acting, team_id)))


@volunteers.command()
@click.option("--community", help="Only this community.")
@click.option("--as", "actor", help=AS_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_context
def teams(obj: CliContext, community: str | None, actor: str | None, as_json: bool) -> None:
    """Volunteer teams with their members and leaders, active ones first."""
    from ticketing.read import volunteer_api as lists

    found = lists.teams(obj.ticketing, _actor(obj, actor), community)
    if as_json:
        from ticketing.schemas.volunteering import Team as TeamAnswer

        _print_json([TeamAnswer.of(team) for team in found])
        return
    for team in found:
        click.echo(_team_line(team))


# --- the service list (服务清单) and claims (认领)


def _item_line(found: Item, taken: int) -> str:
    hours = f" {found.hours_each:g}h each" if found.hours_each else ""
    ticket = f" ticket #{found.ticket_id}" if found.ticket_id else ""
    return (
        f"item {found.id}  {found.status.value:<9} {found.kind.value:<8} {found.community_id}  "
        f"{found.starts_on} – {found.ends_on}  {max(found.people_wanted - taken, 0)}/{found.people_wanted} left"
        f"{hours}{ticket}  {found.title}"
    )


@volunteers.command()
@click.option("--community", required=True, help="The community's id.")
@click.option("--kind", type=click.Choice(_values(ItemKind)), required=True, help="A need, resource or project.")
@click.option("--title", required=True)
@click.option("--description", required=True)
@click.option("--from", "starts_on", type=DAY, required=True, help="First day.")
@click.option("--to", "ends_on", type=DAY, required=True, help="Last day.")
@click.option("--people", type=People, required=True, help="People wanted.")
@click.option("--hours", type=float, default=0.0, help="Hours each person serves, as planned (half hours).")
@click.option("--as", "actor", help=AS_HELP)
@click.option("--now", help=NOW_HELP)
@pass_context
def publish(
    obj: CliContext,
    community: str,
    kind: str,
    title: str,
    description: str,
    starts_on: date,
    ends_on: date,
    people: int,
    hours: float,
    actor: str | None,
    now: str | None,
) -> None:
    """Publish an item on a community's service list: open for claims at once."""
    from ticketing.domain.volunteering.service_list import Draft

    draft = Draft(ItemKind(kind), title, description, starts_on, ends_on, people, hours)
    item_id = obj.ticketing.volunteering.publish(community, draft, _actor(obj, actor), obj.moment(now))
    click.echo(f"item {item_id}: {title} published, {people} wanted")


@volunteers.command()
@click.option("--community", help="Only this community.")
@click.option("--kind", type=click.Choice(_values(ItemKind)), help="Only needs, resources or projects.")
@click.option("--status", type=click.Choice(_values(ItemStatus)), help="Only this status.")
@click.option("--as", "actor", help=AS_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_context
def items(
    obj: CliContext, community: str | None, kind: str | None, status: str | None, actor: str | None, as_json: bool
) -> None:
    """The service list with the places left, newest first."""
    from ticketing.read import volunteer_api as lists

    found: list[tuple[Item, int]] = []
    number, more = 1, True
    while more:
        page = lists.items(obj.ticketing, _actor(obj, actor), community, kind, status, number)
        found += page.items
        number, more = number + 1, page.has_next
    if as_json:
        from ticketing.schemas.volunteering import Item as ItemAnswer

        _print_json([ItemAnswer(**ItemAnswer.fields_of(item, taken)) for item, taken in found])
        return
    for item, taken in found:
        click.echo(_item_line(item, taken))


@volunteers.command()
@click.argument("item_id", type=Id)
@_claimant_options
@click.option("--people", type=People, default=1, help="How many a unit or team sends (a member: 1).")
@click.option("--as", "actor", help=AS_HELP)
@click.option("--now", help=NOW_HELP)
@pass_context
def claim(
    obj: CliContext,
    item_id: int,
    member: int | None,
    unit: int | None,
    team: int | None,
    people: int,
    actor: str | None,
    now: str | None,
) -> None:
    """Enter a claim of item ITEM_ID a member, unit or team made by phone or in person."""
    claimant = _claimant(member, unit, team)
    claim_id = obj.ticketing.volunteering.claim_for(_actor(obj, actor), item_id, claimant, people, obj.moment(now))
    click.echo(f"claim {claim_id}: {claimant.kind.value} {claimant.id} claims item {item_id}; pending")


@volunteers.command()
@click.argument("claim_id", type=Id)
@click.option("--as", "actor", help=AS_HELP)
@click.option("--now", help=NOW_HELP)
@pass_context
def confirm(obj: CliContext, claim_id: int, actor: str | None, now: str | None) -> None:
    """Accept claim CLAIM_ID: the claimant serves."""
    done = obj.ticketing.volunteering.confirm(claim_id, _actor(obj, actor), obj.moment(now))
    click.echo(f"claim {done.id}: {done.status.value}")


@volunteers.command()
@click.argument("claim_id", type=Id)
@click.option("--reason", default="", help="Why (the claimant sees it).")
@click.option("--as", "actor", help=AS_HELP)
@click.option("--now", help=NOW_HELP)
@pass_context
def decline(obj: CliContext, claim_id: int, reason: str, actor: str | None, now: str | None) -> None:
    """Turn claim CLAIM_ID down, saying why."""
    done = obj.ticketing.volunteering.decline(claim_id, _actor(obj, actor), reason, obj.moment(now))
    click.echo(f"claim {done.id}: {done.status.value}")


@volunteers.command()
@click.argument("claim_id", type=Id, required=False)
@_claimant_options
@click.option("--date", "served_on", type=DAY, required=True, help="The day served.")
@click.option("--hours", type=float, required=True, help="Each person's hours (half hours).")
@click.option("--what", required=True, help="What was done.")
@click.option("--people", type=People, default=1, help="How many served (a unit or team).")
@click.option("--as", "actor", help=AS_HELP)
@click.option("--now", help=NOW_HELP)
@pass_context
def record(
    obj: CliContext,
    claim_id: int | None,
    member: int | None,
    unit: int | None,
    team: int | None,
    served_on: date,
    hours: float,
    what: str,
    people: int,
    actor: str | None,
    now: str | None,
) -> None:
    """Put service on a record card: on confirmed claim CLAIM_ID, or directly for --member, --unit or --team."""
    if claim_id is not None:
        from ticketing.read import volunteer_api as lists

        if member or unit or team:
            raise click.UsageError("give a claim, or one of --member, --unit and --team, not both")
        claimant = lists.claim(obj.ticketing, claim_id).claimant
    else:
        claimant = _claimant(member, unit, team)
    moment = obj.moment(now)
    obj.ticketing.volunteering.record_service(
        _actor(obj, actor), claimant, served_on, hours, what, moment, claim_id, people
    )
    click.echo(f"recorded: {claimant.kind.value} {claimant.id} {served_on} {hours:g}h × {people} ({what})")


# --- record cards (服务记录卡)


@volunteers.command()
@click.option("--community", help="Only this community.")
@click.option("--from", "first", type=DAY, required=True, help="First day.")
@click.option("--to", "last", type=DAY, required=True, help="Last day, included.")
@click.option("--as", "actor", help=AS_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@pass_context
def cards(obj: CliContext, community: str | None, first: date, last: date, actor: str | None, as_json: bool) -> None:
    """Each member's, unit's and team's service over a period: entries and person-hours, most first."""
    from ticketing.read import volunteer_api as lists
    from ticketing.schemas.volunteering import Cards, CardTotal

    totals = lists.card_totals(obj.ticketing, _actor(obj, actor), first, last, obj.settings.tz, community)
    rows = [CardTotal.of(total) for total in totals]
    if as_json:
        _print_json(Cards(starts_on=first, ends_on=last, items=rows))
        return
    for row in rows:
        click.echo(
            f"{row.claimant_kind} {row.claimant_id}  {row.community_id}  {row.name}  "
            f"{row.entries} entr{'y' if row.entries == 1 else 'ies'}  {row.person_hours:g} person-hours"
        )


# --- volunteer help with a ticket


@volunteers.command("ask-help")
@click.argument("number")
@click.option("--as", "actor", required=True, help="The staff member asking: a holder of the ticket's post.")
@click.option("--title", required=True)
@click.option("--description", required=True)
@click.option("--people", type=click.IntRange(min=1, max=20), default=1, help="Helpers wanted.")
@click.option("--hours", type=float, default=2.0, help="Hours each helper serves (half hours).")
@click.option("--until", "ends_on", type=DAY, help="Last day (default: a week from today).")
@click.option("--now", help=NOW_HELP)
@pass_context
def ask_help(
    obj: CliContext,
    number: str,
    actor: str,
    title: str,
    description: str,
    people: int,
    hours: float,
    ends_on: date | None,
    now: str | None,
) -> None:
    """Ask ticket NUMBER's community for volunteer help: a need on its service list, linked to the ticket."""
    from ticketing.domain.volunteering.service_list import Draft

    moment: datetime = obj.moment(now)
    today = obj.ticketing.volunteering.today(moment)
    draft = Draft(ItemKind.NEED, title, description, today, ends_on or today + timedelta(days=7), people, hours)
    item_id = obj.ticketing.volunteering.ask_help(number, obj.staff_id(actor), draft, moment)
    click.echo(f"item {item_id}: help asked for ticket {number}, {people} wanted")
