"""Back up and restore a SQLite deployment: the database and the residents' photos, in one archive.

A backup is a gzipped tar holding ``ticketing.sqlite3`` — taken with SQLite's
online backup API, which copies pages under the database's own locks, so it is
a consistent snapshot while the web app and the worker write (copying the file,
with its ``-wal`` beside it, is not) — and ``uploads/``, copied after the
snapshot: a photo is stored before its ticket is committed, so every photo the
snapshot names is in the archive. The secret key is not: a restored service
keeps (or generates) its own, and staff log in again.

A restore replaces a database only while no worker and no web process has
beaten in the last ``LIVE_WITHIN``, and never lowers the counters tracking
numbers are taken from: a number handed out before the restore is never
handed out again. A bare SQLite file (an older backup) is restored too,
leaving the photos as they are. PostgreSQL has ``pg_dump`` and ``pg_restore``,
and both functions refuse it.
"""

from __future__ import annotations

import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from ticketing.db import sqlite_file
from ticketing.db.heartbeat import HEARTBEAT_KEY, LIVE_WITHIN, WEB_HEARTBEAT_KEY, read_heartbeat
from ticketing.db.tickets import counter_values

DATABASE_MEMBER = "ticketing.sqlite3"
UPLOADS_MEMBER = "uploads"
_LIVE = {HEARTBEAT_KEY: "a deadline worker", WEB_HEARTBEAT_KEY: "a web process"}


class BackupRefused(Exception):
    """The backup or restore was not done; the message says why and what to do instead."""


def backup(engine: Engine, target: Path, uploads: Path, force: bool = False) -> None:
    """Write the live database and the photos in ``uploads`` to the archive ``target``."""
    source = _sqlite_path(engine)
    if target.exists() and not force:
        raise BackupRefused(f"{target} exists; pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        snapshot = Path(work) / DATABASE_MEMBER
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(snapshot)) as copy:
            live.backup(copy)
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(snapshot, arcname=DATABASE_MEMBER)
            for photo in sorted(uploads.iterdir()) if uploads.is_dir() else ():
                if photo.is_file():
                    archive.add(photo, arcname=f"{UPLOADS_MEMBER}/{photo.name}")
        partial.chmod(0o600)  # residents' phones and staff password hashes: for the service's user only
        partial.replace(target)  # whole or not at all


def restore(engine: Engine, source: Path, uploads: Path, now: datetime, force: bool = False) -> bool:
    """Replace the database (and the photos in ``uploads``) with the backup in ``source``; whether it had photos.

    Refused while the service runs (a heartbeat newer than ``LIVE_WITHIN`` at ``now``), and, without
    ``force``, over a database that already holds a schema.
    """
    target = _sqlite_path(engine)
    if not source.is_file():
        raise BackupRefused(f"{source}: no such file")
    with _unpacked(source, uploads.parent) as (database, photos):
        with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)) as copy:
            _check_ticketing_database(copy, source)
            handed_out = _replaceable(engine, target, now, force)
            engine.dispose()  # no pooled connection keeps reading the pages being replaced
            with closing(sqlite3.connect(target)) as live:
                copy.backup(live)
                # counters never go down; the backup's heartbeats are of processes that ran when it was taken
                sqlite_file.settle(live, handed_out, _LIVE)
        if photos is not None:
            _replace(uploads, photos)
    return photos is not None


def _replaceable(engine: Engine, target: str, now: datetime, force: bool) -> dict[str, int]:
    """The counters of the database about to be replaced, once it is safe to replace it."""
    if not _has_schema(target):
        return {}
    _refuse_while_live(engine, now)
    if not force:
        raise BackupRefused(f"{target} already holds a ticketing database; pass --force to replace it")
    return _counters(engine)


def _refuse_while_live(engine: Engine, now: datetime) -> None:
    with engine.connect() as conn:
        beats = {key: read_heartbeat(conn, key) for key in _LIVE}
    ages = {key: now - beat for key, beat in beats.items() if beat is not None and now - beat < LIVE_WITHIN}
    if ages:
        seen = " and ".join(f"{_LIVE[key]} {max(age.total_seconds(), 0):.0f} s ago" for key, age in ages.items())
        wait = (LIVE_WITHIN - min(ages.values())).total_seconds()
        raise BackupRefused(
            f"the service is running: {seen} wrote its heartbeat; stop every web process and worker, then try "
            f"again in {wait:.0f} s (a heartbeat older than {LIVE_WITHIN.total_seconds():.0f} s counts as stopped)"
        )


def _counters(engine: Engine) -> dict[str, int]:
    """The live database's counters: the tracking numbers handed out so far."""
    with engine.connect() as conn:
        return counter_values(conn)


@contextmanager
def _unpacked(source: Path, work_dir: Path) -> Iterator[tuple[Path, Path | None]]:
    """The backup's database file and its folder of photos (``None`` for a bare SQLite file).

    Unpacked beside the live ``uploads`` so the photos move into place with a rename.
    """
    if not tarfile.is_tarfile(source):
        yield source, None
        return
    work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_dir, prefix=".restore-") as work:
        photos = Path(work) / UPLOADS_MEMBER
        photos.mkdir()
        with tarfile.open(source) as archive:
            for member in archive:
                data = archive.extractfile(member) if member.isfile() else None
                if data is None:
                    raise _not_a_backup(source, member)
                with data, open(_member_path(member, Path(work), source), "wb") as out:
                    shutil.copyfileobj(data, out)
        if not (Path(work) / DATABASE_MEMBER).is_file():
            raise BackupRefused(f"{source} is not a ticketing backup (no {DATABASE_MEMBER} in the archive)")
        yield Path(work) / DATABASE_MEMBER, photos


def _member_path(member: tarfile.TarInfo, work: Path, source: Path) -> Path:
    """Where an archive member goes: only the database and files directly under ``uploads/`` (no other path)."""
    folder, _, name = member.name.partition("/")
    if member.name == DATABASE_MEMBER:
        return work / DATABASE_MEMBER
    if folder == UPLOADS_MEMBER and name and "/" not in name and "\\" not in name and name not in (".", ".."):
        return work / UPLOADS_MEMBER / name
    raise _not_a_backup(source, member)


def _not_a_backup(source: Path, member: tarfile.TarInfo) -> BackupRefused:
    return BackupRefused(f"{source} is not a ticketing backup (unexpected {member.name!r} in the archive)")


def _replace(uploads: Path, photos: Path) -> None:
    """Put the restored photos in place of the current ones."""
    replaced = uploads.with_name(f".{uploads.name}-replaced")
    shutil.rmtree(replaced, ignore_errors=True)
    if uploads.exists():
        uploads.rename(replaced)
    photos.rename(uploads)
    shutil.rmtree(replaced, ignore_errors=True)


def _check_ticketing_database(conn: sqlite3.Connection, path: Path) -> None:
    if sqlite_file.schema_version(conn) is None:
        raise BackupRefused(f"{path} is not a ticketing database (no schema version in alembic_version)")


def _has_schema(path: str) -> bool:
    if not Path(path).is_file():
        return False
    with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return sqlite_file.has_schema(conn)


def _sqlite_path(engine: Engine) -> str:
    if engine.dialect.name != "sqlite":
        raise BackupRefused(
            f"backup and restore cover SQLite only; for {engine.dialect.name} use pg_dump -Fc and pg_restore, "
            "and copy the data directory's uploads/ (see README, Deployment)"
        )
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupRefused("an in-memory database has nothing to back up")
    return database
