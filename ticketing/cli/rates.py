"""``ticketing rates``: the daily roll-up the rates page sums."""

from __future__ import annotations

import click

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.group import Group


@click.group(cls=Group)
def rates() -> None:
    """The rates' daily roll-up (kept by the database as tickets change)."""


@rates.command()
@pass_context
def rebuild(obj: CliContext) -> None:
    """Recompute every day's counts from the tickets, in one transaction (after restoring rows from elsewhere)."""
    from ticketing.services.rates import rebuild_rates

    rows = rebuild_rates(obj.engine)
    click.echo(f"rebuilt the rates' daily counts: {rows} day-and-grid row(s)")
