"""The ``ticketing`` command: each subcommand is a thin call into the services.

A domain error, or a setting in the environment it cannot use, ends any command with its message on stderr and
exit code 1. The subcommands import the database layer and the web app when they run, not when the command
starts, so ``--help`` answers at once.
"""

from __future__ import annotations

import logging
from typing import IO, Any

import click

from ticketing.cli import (
    absence,
    apikey,
    backup,
    holidays,
    notify,
    ops,
    org,
    rates,
    staff,
    tickets,
    volunteers,
    worker,
    workflows,
)
from ticketing.cli.context import CliContext
from ticketing.cli.group import Group
from ticketing.deploy.logs import configure_logging
from ticketing.deploy.settings import InvalidSetting
from ticketing.domain.errors import TicketingError


class RefusedError(click.ClickException):
    """A domain error, shown as ``error: …`` with exit code 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _Group(Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TicketingError as error:
            raise RefusedError(str(error)) from error


@click.group(cls=_Group)
@click.option("--database-url", envvar="TICKETING_DATABASE_URL", help="SQLAlchemy URL (default: SQLite file).")
@click.option("-v", "--verbose", is_flag=True, help="Log each schema migration step (Alembic) too.")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None, verbose: bool) -> None:
    """Resident service-request ticketing (社区网格诉求工单)."""
    logging.getLogger("alembic").setLevel(logging.INFO if verbose else logging.WARNING)
    try:
        ctx.obj = CliContext.create(database_url)
    except InvalidSetting as refused:
        raise RefusedError(str(refused)) from None


for _command in (
    ops.init,
    ops.demo,
    org.org,
    workflows.workflows,
    ops.sweep,
    worker.worker,
    ops.serve,
    backup.backup,
    backup.restore,
    tickets.tickets,
    staff.staff,
    absence.absence,
    holidays.holidays,
    apikey.apikey,
    notify.notify,
    rates.rates,
    volunteers.volunteers,
):
    cli.add_command(_command)


def main() -> None:
    configure_logging()
    cli()
