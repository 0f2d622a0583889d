"""``ticketing staff``: staff availability."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.group import Group


@click.group(cls=Group)
def staff() -> None:
    """Staff members and their absences (请假、出差)."""


@staff.command()
@click.argument("staff_id")
@click.option("--from", "starts", required=True, help="Start, ISO 8601 (local time if no offset).")
@click.option("--to", "ends", required=True, help="End, ISO 8601 (local time if no offset).")
@click.option("--reason", required=True, help="Leave, business trip, meeting…")
@click.option("--now", help="Current time, ISO 8601 (default: now).")
@pass_context
def absent(obj: CliContext, staff_id: str, starts: str, ends: str, reason: str, now: str | None) -> None:
    """Record an absence; the other holder of each post covers (AB岗) while it lasts."""
    start, end, at, staff_id = obj.moment(starts), obj.moment(ends), obj.moment(now), obj.staff_id(staff_id)
    recorded = obj.ticketing.absences.record(staff_id, start, end, reason, at)
    moved = f"; {recorded.moved} ticket{'' if recorded.moved == 1 else 's'} passed to the other holders"
    click.echo(
        f"absence {recorded.id}: {staff_id} away {obj.local(start)} – {obj.local(end)} ({reason})"
        + (moved if start <= at else "")
    )


@staff.command()
@click.argument("staff_id")
@click.password_option(
    help="At least 8 characters, not one repeated and not a common password; asked for twice when not given."
)
@pass_context
def add(obj: CliContext, staff_id: str, password: str) -> None:
    """Give staff member STAFF_ID a web login (their role comes from the registry)."""
    from ticketing.services.accounts import set_password

    staff_id = obj.staff_id(staff_id)
    created = set_password(obj.engine, staff_id, password, datetime.now(UTC))
    click.echo(f"{'account created' if created else 'password changed'} for {staff_id}")


@staff.command()
@click.argument("staff_id")
@click.password_option(help="The new password (the same rule as for `staff add`).")
@pass_context
def passwd(obj: CliContext, staff_id: str, password: str) -> None:
    """Set a new password for STAFF_ID; every web session of the account ends."""
    from ticketing.services.accounts import set_password

    staff_id = obj.staff_id(staff_id)
    set_password(obj.engine, staff_id, password, datetime.now(UTC))
    click.echo(f"password changed for {staff_id}")


@staff.command()
@click.argument("staff_id")
@click.option("--revoke", "revoke_id", type=int, help="Revoke the token with this id instead of issuing one.")
@click.option("--list", "show_list", is_flag=True, help="List the member's tokens instead of issuing one.")
@pass_context
def token(obj: CliContext, staff_id: str, revoke_id: int | None, show_list: bool) -> None:
    """Issue a bearer token for the staff JSON API acting as STAFF_ID (printed once), or list / revoke."""
    from ticketing.services.credentials import issue_staff_token, list_staff_tokens, revoke_staff_token

    staff_id = obj.staff_id(staff_id)
    if revoke_id is not None:
        revoke_staff_token(obj.engine, revoke_id, datetime.now(UTC))
        click.echo(f"revoked token {revoke_id}")
    elif show_list:
        for found in list_staff_tokens(obj.engine, staff_id):
            state = f"revoked {obj.local(found.revoked_at)}" if found.revoked_at else "active"
            click.echo(f"{found.id}  created {obj.local(found.created_at)}  {state}")
    else:
        token_id, secret = issue_staff_token(obj.engine, staff_id, datetime.now(UTC))
        click.echo(f"token {token_id} for {staff_id}: {secret}")
