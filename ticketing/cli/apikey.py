"""``ticketing apikey``: keys for Open311 clients (hotline systems, city apps)."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.group import Group


@click.group(cls=Group)
def apikey() -> None:
    """API keys for the Open311 endpoint (stored hashed; shown once)."""


@apikey.command()
@click.argument("name")
@pass_context
def create(obj: CliContext, name: str) -> None:
    """Make a key for client NAME and print it (keep it: it is not shown again)."""
    from ticketing.services.credentials import create_api_key

    key = create_api_key(obj.engine, name, datetime.now(UTC))
    click.echo(key)


@apikey.command()
@click.argument("name")
@pass_context
def revoke(obj: CliContext, name: str) -> None:
    """Revoke the key of client NAME: its requests are refused from now on."""
    from ticketing.services.credentials import revoke_api_key

    revoke_api_key(obj.engine, name, datetime.now(UTC))
    click.echo(f"revoked the API key of {name}")


@apikey.command("list")
@pass_context
def list_keys(obj: CliContext) -> None:
    """The clients with keys, and which keys are revoked."""
    from ticketing.services.credentials import list_api_keys

    for key in list_api_keys(obj.engine):
        state = f"revoked {obj.local(key.revoked_at)}" if key.revoked_at else "active"
        click.echo(f"{key.owner}  created {obj.local(key.created_at)}  {state}")
