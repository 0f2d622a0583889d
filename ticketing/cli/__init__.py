"""The ``ticketing`` command: each subcommand is a thin call into the services."""

from __future__ import annotations

import sys

import click

from ticketing.cli import ops, org, staff, tickets, workflows
from ticketing.cli.context import CliContext
from ticketing.domain.errors import TicketingError


@click.group()
@click.option("--database-url", envvar="TICKETING_DATABASE_URL", help="SQLAlchemy URL (default: SQLite file).")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """Resident service-request ticketing (社区网格诉求工单)."""
    ctx.obj = CliContext.create(database_url)


for _command in (ops.init, ops.demo, org.org, workflows.workflows, ops.sweep, ops.serve, tickets.tickets, staff.staff):
    cli.add_command(_command)


def main() -> None:
    """Entry point: domain errors become a message on stderr and exit code 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except TicketingError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
