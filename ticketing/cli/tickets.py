"""``ticketing tickets``: open, show, list and act on tickets from scripts and terminals."""

from __future__ import annotations

from typing import Any

import click

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.group import Group
from ticketing.domain.cooperation import MediationOutcome
from ticketing.domain.guards import Satisfaction
from ticketing.domain.rules import usual_notice
from ticketing.domain.rules.callback import STAFF_MEANS
from ticketing.domain.ticket import Channel, ResidentChannel

ACTION_NAMES = (
    "acknowledge",
    "note",
    "supervise",
    "transfer",
    "pause",
    "resume",
    "resolve",
    "refer",
    "callback",
    "extend",
    "return_to_resident",
    "propose_termination",
    "approve_termination",
    "reject_termination",
    "close",
    "invite",
    "release",
    "mediate",
)
"""The actions of ``ticketing.services.ACTIONS``, named here so ``--help`` loads no database layer (a test keeps
them the same)."""

ISO = "ISO 8601 time; without an offset, the district's local time (default: now)"


@click.group(cls=Group)
def tickets() -> None:
    """Resident requests (工单)."""


@tickets.command("open")
@click.option("--category", required=True, help="Category code, e.g. property_repair.")
@click.option("--description", required=True)
@click.option("--phone", "contact_phone", default="", help="Resident's contact phone (optional).")
@click.option("--name", "contact_name", default="", help="Resident's name.")
@click.option("--email", "contact_email", default="", help="Resident's e-mail address.")
@click.option(
    "--notify-by",
    type=click.Choice([way.value for way in ResidentChannel]),
    help="How the resident hears of the resolution and the closing "
    "(default: sms with --phone, else email with --email, else none).",
)
@click.option("--location", "location_id", help="Building, shop or street segment id.")
@click.option("--address", default="", help="Free-text address (matched against the registry).")
@click.option("--lat", type=float)
@click.option("--lon", type=float)
@click.option(
    "--channel",
    type=click.Choice([c.value for c in Channel]),
    default=None,
    help="web/api for residents; phone/walk_in/patrol/on_behalf when staff register it (needs --as).",
)
@click.option("--as", "actor", help="Staff id registering the request on the resident's behalf.")
@click.option("--now", help=ISO)
@click.option("--json", "as_json", is_flag=True, help="Print it as the staff API answers (the same fields).")
@pass_context
def open_ticket(
    obj: CliContext,
    actor: str | None,
    now: str | None,
    as_json: bool,
    channel: str | None,
    notify_by: str | None,
    **fields: Any,
) -> None:
    """Open a request; it is routed to the first responsible post for its location.

    A patrol report (--channel patrol) has no resident: give no --phone, --name or --email.
    """
    from ticketing.cli.render import api_json, detail, ticket_line

    actor = obj.staff_id(actor) if actor else None
    chosen = Channel(channel) if channel else (Channel.WALK_IN if actor else Channel.WEB)
    way = notify_by or usual_notice(chosen, fields["contact_phone"], fields["contact_email"])
    at = obj.moment(now)
    ticket = obj.ticketing.open_ticket(channel=chosen, registrar_id=actor, now=at, notify_by=way, **fields)
    click.echo(api_json(detail(obj, ticket.number, actor, at)) if as_json else ticket_line(obj, ticket))


@tickets.command()
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print it as the staff API answers (the same fields).")
@pass_context
def show(obj: CliContext, number: str, as_json: bool) -> None:
    """One ticket with its whole history."""
    from ticketing.cli.render import api_json, detail, history_lines, ticket_line

    if as_json:
        click.echo(api_json(detail(obj, number, None, obj.moment(None))))
        return
    shown = obj.ticketing.show(number)
    click.echo(ticket_line(obj, shown.ticket))
    for line in history_lines(obj, shown.history):
        click.echo(f"  {line}")


@tickets.command("list")
@click.option("--state", help="Only tickets in this state, e.g. in_progress (a state the workflows declare).")
@click.option("--post", "post_id")
@click.option("--holder", "holder_id", help="Tickets a staff member holds now (their queue).")
@click.option("--accountable", "first_responder_id", help="Tickets a staff member is first responder for.")
@click.option("--community", "community_id")
@click.option("--overdue/--not-overdue", default=None)
@click.option("--open", "open_only", is_flag=True, help="Only tickets not yet closed.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50)
@click.option("--json", "as_json", is_flag=True, help="Print it as the staff API answers (the same fields).")
@pass_context
def list_tickets(obj: CliContext, as_json: bool, **filters: Any) -> None:
    """Tickets matching the filters, the nearest deadline first, as a table with a header row."""
    from ticketing.cli.render import api_json, summaries, ticket_table

    _check_state(obj, filters["state"])
    found = obj.ticketing.list_tickets(**filters)
    if as_json:
        click.echo(api_json(summaries(obj, found, obj.moment(None))))
        return
    for line in ticket_table(obj, found):
        click.echo(line)
    click.echo(f"{len(found)} ticket(s)")


def _check_state(obj: CliContext, state: str | None) -> None:
    """Refuse a state no workflow declares (it would match nothing), naming those they do."""
    if state is None:
        return
    workflows = obj.ticketing.worlds.catalogue.workflows.values()
    known = list(dict.fromkeys(name for spec in workflows for name in spec.states))
    if state not in known:
        raise click.BadParameter(f"{state!r} is not a state; choose one of {', '.join(known)}", param_hint="'--state'")


@tickets.command()
@click.option("--json", "as_json", is_flag=True, help="Print it as the staff API answers (the same fields).")
@pass_context
def terminations(obj: CliContext, as_json: bool) -> None:
    """Proposals of 诉求终结 waiting for a supervisor (approve_termination or reject_termination with act)."""
    from ticketing.cli.render import api_json, summaries, ticket_line
    from ticketing.read.board import Overseer
    from ticketing.read.terminations import pending_terminations

    found = [
        item.ticket
        for item in pending_terminations(
            obj.ticketing, Overseer(frozenset(), frozenset(), True), obj.moment(None)
        ).items
    ]
    if as_json:
        click.echo(api_json(summaries(obj, found, obj.moment(None))))
        return
    for ticket in found:
        click.echo(f"{ticket_line(obj, ticket)}  {ticket.termination_reason}")
    click.echo(f"{len(found)} proposal(s)")


@tickets.command()
@click.argument("number")
@click.argument("action", type=click.Choice(ACTION_NAMES))
@click.option("--as", "actor", required=True, help="Staff id of the person acting.")
@click.option("--text", help="note, supervise (督办, supervisors): the text.")
@click.option(
    "--reason", help="transfer, pause, refer, extend, return_to_resident, invite, propose_/reject_termination: why."
)
@click.option("--to", "target_post", help="transfer: the post id to pass the ticket to.")
@click.option("--resolution", help="resolve: what was done.")
@click.option("--body", help="refer: the competent body the resident should turn to.")
@click.option(
    "--means",
    type=click.Choice([means.value for means in STAFF_MEANS]),
    help="callback: phone (default), visit (上门回访, the first responder only) or none (nobody to reach).",
)
@click.option("--reached/--unreached", default=True, help="callback: whether the resident answered.")
@click.option("--solved/--unsolved", default=None, help="callback: whether the problem is solved (问题是否解决).")
@click.option("--satisfaction", type=click.Choice([verdict.value for verdict in Satisfaction]))
@click.option("--comment", help="callback: what the resident said.")
@click.option("--by", help="extend: working time to add, e.g. 2天, 3小时, 1天2小时, 2d, 3h or 30m.")
@click.option("--post", help="invite: the post of the community to join (协同); release: the joined post to release.")
@click.option(
    "--outcome",
    type=click.Choice([outcome.value for outcome in MediationOutcome]),
    help="mediate: how the mediation ended.",
)
@click.option("--agreement", help="mediate: the agreement reached (required for success and partial).")
@click.option("--version", "expected_version", type=int, help="Fail if the ticket is no longer at this version.")
@click.option("--now", help=ISO)
@click.option("--json", "as_json", is_flag=True, help="Print it as the staff API answers (the same fields).")
@pass_context
def act(
    obj: CliContext,
    number: str,
    action: str,
    actor: str,
    expected_version: int | None,
    now: str | None,
    as_json: bool,
    **params: Any,
) -> None:
    """Do ACTION on ticket NUMBER as a staff member."""
    from ticketing.cli.render import api_json, detail, ticket_line
    from ticketing.schemas.tickets import ActionResult

    given = {key: value for key, value in params.items() if value is not None}
    at, actor = obj.moment(now), obj.staff_id(actor)
    ticket = obj.ticketing.act(number, action, actor, at, expected_version, **given)
    if not as_json:
        click.echo(ticket_line(obj, ticket))
        return
    result = ActionResult(
        action=action,
        number=ticket.number,
        state=ticket.state,
        version=ticket.version,
        ticket=detail(obj, ticket.number, actor, at),
    )
    click.echo(api_json(result))
