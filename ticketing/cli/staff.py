"""``ticketing staff``: staff availability."""

from __future__ import annotations

import click

from ticketing.cli.context import CliContext, pass_context


@click.group()
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
    start, end = obj.moment(starts), obj.moment(ends)
    absence_id = obj.ticketing.record_absence(staff_id, start, end, reason, obj.moment(now))
    click.echo(f"absence {absence_id}: {staff_id} away {obj.local(start)} – {obj.local(end)} ({reason})")
