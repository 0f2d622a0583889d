"""``ticketing backup FILE`` and ``ticketing restore FILE``: SQLite snapshots taken while the service runs."""

from __future__ import annotations

from pathlib import Path

import click

from ticketing import backup as store
from ticketing.cli.context import CliContext, pass_context

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command()
@click.argument("file", type=_FILE)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@pass_context
def backup(obj: CliContext, file: Path, force: bool) -> None:
    """Copy the SQLite database to FILE, consistently, while the service runs (PostgreSQL: use pg_dump)."""
    try:
        store.backup(obj.engine, file, force)
    except store.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"backed up {obj.engine.url.database} to {file}")


@click.command()
@click.argument("file", type=_FILE)
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@pass_context
def restore(obj: CliContext, file: Path, force: bool) -> None:
    """Replace the SQLite database with the backup in FILE (stop the service first; PostgreSQL: use pg_restore)."""
    try:
        store.restore(obj.engine, file, force)
    except store.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"restored {obj.engine.url.database} from {file}")
