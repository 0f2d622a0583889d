"""``ticketing backup FILE`` and ``ticketing restore FILE``: SQLite and photos, archived while the service runs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from ticketing.cli.context import CliContext, pass_context

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command()
@click.argument("file", type=_FILE)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@pass_context
def backup(obj: CliContext, file: Path, force: bool) -> None:
    """Archive the SQLite database and the residents' photos to FILE, consistently, while the service runs.

    The secret key is left out. PostgreSQL: use pg_dump, and copy the data directory's uploads/.
    """
    from ticketing.deploy import backup as store
    from ticketing.deploy.datadir import uploads_dir

    uploads = uploads_dir(obj.settings)
    try:
        store.backup(obj.engine, file, uploads, force)
    except store.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"backed up {obj.engine.url.database} and {uploads} to {file}")


@click.command()
@click.argument("file", type=_FILE)
@click.option("--force", is_flag=True, help="Replace a database that already holds data (never while it is in use).")
@pass_context
def restore(obj: CliContext, file: Path, force: bool) -> None:
    """Replace the SQLite database and the photos with the backup in FILE (PostgreSQL: use pg_restore).

    Refused while a web process or worker runs on the database: stop them first. Tracking numbers
    already handed out are never handed out again.
    """
    from ticketing.deploy import backup as store
    from ticketing.deploy.datadir import uploads_dir

    uploads = uploads_dir(obj.settings)
    try:
        with_photos = store.restore(obj.engine, file, uploads, datetime.now(UTC), force)
    except store.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    photos = f" and {uploads}" if with_photos else f" ({uploads} left as it was: no photos in {file})"
    click.echo(f"restored {obj.engine.url.database}{photos} from {file}")
