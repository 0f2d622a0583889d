"""``ticketing absence``: list, end early or cancel absences (recording one is ``ticketing staff absent``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.group import Group

if TYPE_CHECKING:
    from ticketing.domain.org import Absence
    from ticketing.read.admin import AbsenceRow

NOW_HELP = "Current time, ISO 8601 (default: now)."


@click.group(cls=Group)
def absence() -> None:
    """Absences (请假、出差): list them, end one early, cancel one."""


def _line(obj: CliContext, found: Absence | AbsenceRow, status: str) -> str:
    return f"absence {found.id}: {found.staff_id} {obj.local(found.starts_at)} – {obj.local(found.ends_at)} {status}"


def _tickets(count: int) -> str:
    return f"{count} ticket{'' if count == 1 else 's'}"


@absence.command("list")
@click.option("--staff", "staff_id", help="Only this staff member's absences.")
@click.option("--now", help=NOW_HELP)
@pass_context
def list_(obj: CliContext, staff_id: str | None, now: str | None) -> None:
    """Current and coming absences with their ids, earliest start first."""
    from ticketing.read.admin import coming_absences

    moment = obj.moment(now)
    staff_id = obj.staff_id(staff_id) if staff_id else None
    number, more = 1, True
    while more:
        page = coming_absences(obj.ticketing, moment, number, per_page=200, staff_id=staff_id)
        for row in page.items:
            click.echo(f"{_line(obj, row, 'away now' if row.current(moment) else 'coming')} ({row.reason})")
        number, more = number + 1, page.has_next


@absence.command()
@click.argument("absence_id", type=click.IntRange(min=1))
@click.option("--now", help=NOW_HELP)
@pass_context
def end(obj: CliContext, absence_id: int, now: str | None) -> None:
    """The holder is back early: end absence ABSENCE_ID now and hand the tickets it moved back."""
    ended = obj.ticketing.absences.end(absence_id, obj.moment(now))
    click.echo(_line(obj, ended.absence, f"ended; {_tickets(ended.moved)} back with the holder"))


@absence.command()
@click.argument("absence_id", type=click.IntRange(min=1))
@click.option("--now", help=NOW_HELP)
@pass_context
def cancel(obj: CliContext, absence_id: int, now: str | None) -> None:
    """Cancel absence ABSENCE_ID (it will not happen, or was a mistake); any tickets it moved come back."""
    cancelled = obj.ticketing.absences.cancel(absence_id, obj.moment(now))
    moved = f"; {_tickets(cancelled.moved)} back with the holder" if cancelled.moved else ""
    click.echo(_line(obj, cancelled.absence, f"cancelled{moved}"))
