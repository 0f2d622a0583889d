"""Operating safely: the secret key and photos in the data directory, backups that carry the photos, restores
that refuse a running service and never hand a tracking number out twice, and a deadline worker that ends
with the ``serve`` or ``demo`` that started it, however that ends."""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from ticketing.cli import cli
from ticketing.db.engine import make_engine
from ticketing.db.heartbeat import HEARTBEAT_KEY, LIVE_WITHIN, WEB_HEARTBEAT_KEY, beat, read_heartbeat
from ticketing.db.schema import attachments
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.datadir import MIN_SECRET_KEY_LENGTH, UnsafeSecretKey, uploads_dir
from ticketing.deploy.settings import Settings
from ticketing.services import Ticketing
from ticketing.web import create_app
from ticketing.web.liveness import keep_beating

MONDAY = datetime(2026, 11, 23, 1, tzinfo=UTC)  # 09:00 in Shanghai
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BOUND = 45.0  # seconds a multi-process step may take on a loaded machine before the test fails


def _run(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", database_url, *args])


def _wait_until(check: Callable[[], object], what: str, bound: float = BOUND) -> None:
    deadline = time.monotonic() + bound
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {bound:.0f} s")
        time.sleep(0.1)


# --- the secret key --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["x", "k" * (MIN_SECRET_KEY_LENGTH - 1)])
def test_a_short_secret_key_is_refused(service: Ticketing, database_url: str, tmp_path: Path, key: str) -> None:
    settings = Settings(database_url=database_url, secret_key=key, data_dir=tmp_path)
    with pytest.raises(UnsafeSecretKey, match=f"at least {MIN_SECRET_KEY_LENGTH}"):
        create_app(settings, service, testing=True)
    settings = Settings(database_url=database_url, secret_key="k" * MIN_SECRET_KEY_LENGTH, data_dir=tmp_path)
    assert create_app(settings, service, testing=True).secret_key == "k" * MIN_SECRET_KEY_LENGTH


def test_serve_and_demo_refuse_a_short_secret_key_before_starting(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKETING_SECRET_KEY", "x")
    for command in (["serve", "--port", "1"], ["demo", "--port", "1"]):
        result = _run(database_url, *command)
        assert result.exit_code == 1, result.output
        assert f"needs at least {MIN_SECRET_KEY_LENGTH}" in result.output
        assert "serving on" not in result.output
    with engine.connect() as conn:
        assert read_heartbeat(conn) is None  # no worker was started


def test_the_wsgi_module_refuses_a_short_secret_key(database_url: str) -> None:
    env = os.environ | {"TICKETING_SECRET_KEY": "x", "TICKETING_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-c", "import ticketing.web.wsgi"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "error: the secret key in TICKETING_SECRET_KEY has 1 characters; it needs at least" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_generated_secret_key_is_kept_in_the_data_directory(
    service: Ticketing, database_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    settings = Settings(database_url=database_url, data_dir=data)
    first, second = (create_app(settings, service, testing=True) for _ in range(2))
    kept = data / "secret_key"
    assert first.secret_key == second.secret_key == kept.read_text(encoding="utf-8")
    assert len(first.secret_key) >= MIN_SECRET_KEY_LENGTH
    assert kept.stat().st_mode & 0o077 == 0  # readable by the service's user only
    assert first.instance_path == str(data.resolve())  # nothing lands in the installed package

    kept.write_text("short", encoding="utf-8")
    with pytest.raises(UnsafeSecretKey, match=str(kept)):
        create_app(settings, service, testing=True)


def test_the_embedded_database_follows_the_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TICKETING_DATABASE_URL", raising=False)
    monkeypatch.setenv("TICKETING_DATA_DIR", str(tmp_path))
    settings = Settings.from_env()
    assert settings.data_dir == tmp_path
    assert settings.database_url == f"sqlite:///{tmp_path / 'ticketing.sqlite3'}"


def test_photos_are_kept_in_the_data_directory(app: Flask, client: FlaskClient, service: Ticketing) -> None:
    form = {
        "category": "property_repair",
        "description": "楼道灯坏了",
        "community": "",
        "building": "B01010101",
        "place": "",
        "address": "",
        "contact_phone": "13912345678",
        "contact_name": "张阿姨",
        "photo": (io.BytesIO(PNG), "light.png"),
    }
    response = client.post("/r/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with service.engine.connect() as conn:
        [photo] = conn.execute(select(attachments.c.file_name)).scalars()
    data_dir = app.extensions["ticketing_settings"].data_dir
    assert (data_dir / "uploads" / photo).read_bytes() == PNG


# --- backup and restore ----------------------------------------------------------------------------


@pytest.fixture
def sqlite_service(service: Ticketing) -> Ticketing:
    if service.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL is backed up with pg_dump and its uploads/ copied")
    return service


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data directory the commands of this test use."""
    path = tmp_path / "data"
    monkeypatch.setenv("TICKETING_DATA_DIR", str(path))
    return path


def _open(service: Ticketing, count: int) -> list[str]:
    return [
        service.open_ticket(
            category="property_repair",
            description="楼道灯不亮",
            contact_phone="13806330000",
            location_id="B01010101",
            now=MONDAY,
        ).number
        for _ in range(count)
    ]


def _restored_copy(backup: Path, tmp_path: Path) -> tuple[str, Ticketing]:
    """A second database restored from ``backup``, and the service over it: the live one of the test."""
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    result = _run(url, "restore", str(backup))
    assert result.exit_code == 0, result.output
    return url, create_ticketing(Settings(database_url=url), make_engine(url))


def test_a_backup_carries_the_photos_and_a_restore_puts_them_back(
    sqlite_service: Ticketing, database_url: str, data_dir: Path, tmp_path: Path
) -> None:
    uploads = uploads_dir(Settings(data_dir=data_dir))
    uploads.mkdir(parents=True)
    (uploads / "a1.png").write_bytes(PNG)
    archive = tmp_path / "backup.tar.gz"
    result = _run(database_url, "backup", str(archive))
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as opened:
        assert sorted(opened.getnames()) == ["ticketing.sqlite3", "uploads/a1.png"]  # no secret key
    assert archive.stat().st_mode & 0o077 == 0

    (uploads / "a1.png").unlink()
    (uploads / "later.png").write_bytes(PNG)  # a photo of a ticket the restore takes away
    _restored_copy(archive, tmp_path)
    assert sorted(path.name for path in uploads.iterdir()) == ["a1.png"]
    assert (uploads / "a1.png").read_bytes() == PNG


def test_a_bare_database_file_from_an_older_backup_is_restored_and_leaves_the_photos(
    sqlite_service: Ticketing, data_dir: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "old-backup.sqlite3"
    # Through SQLite, not as a file: closing a file of the database in this process would drop SQLite's locks on it.
    live = sqlite_service.engine.url.database or ""
    with closing(sqlite3.connect(live)) as source, closing(sqlite3.connect(bare)) as copy:
        source.backup(copy)
    uploads = uploads_dir(Settings(data_dir=data_dir))
    uploads.mkdir(parents=True)
    (uploads / "kept.png").write_bytes(PNG)
    _restored_copy(bare, tmp_path)
    assert [path.name for path in uploads.iterdir()] == ["kept.png"]


@pytest.mark.parametrize("member", ["uploads/../../evil.png", "/etc/evil", "uploads/sub/evil.png", "secret_key"])
def test_an_archive_with_any_other_path_is_refused(
    sqlite_service: Ticketing, database_url: str, data_dir: Path, tmp_path: Path, member: str
) -> None:
    archive = tmp_path / "backup.tar.gz"
    assert _run(database_url, "backup", str(archive)).exit_code == 0
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(tampered, "w:gz") as copy:
        for item in original:
            copy.addfile(item, original.extractfile(item))
        extra = tarfile.TarInfo(member)
        extra.size = len(PNG)
        copy.addfile(extra, io.BytesIO(PNG))
    result = _run(f"sqlite:///{tmp_path / 'live.sqlite3'}", "restore", str(tampered))
    assert result.exit_code == 1
    assert "is not a ticketing backup" in result.output
    assert not (tmp_path / "live.sqlite3").exists() and not (tmp_path / "evil.png").exists()


def test_a_restore_never_hands_out_a_tracking_number_again(
    sqlite_service: Ticketing, database_url: str, data_dir: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar.gz"
    _open(sqlite_service, 2)
    assert _run(database_url, "backup", str(archive)).exit_code == 0
    url, live = _restored_copy(archive, tmp_path)
    handed_out = _open(live, 3)  # after the backup: gone with the restore, but residents hold these numbers
    live.engine.dispose()

    result = _run(url, "restore", "--force", str(archive))
    assert result.exit_code == 0, result.output
    restored = create_ticketing(Settings(database_url=url), make_engine(url))
    [number] = _open(restored, 1)
    assert number not in handed_out
    assert int(number.rsplit("-", 1)[1]) == 2 + 3 + 1
    restored.engine.dispose()


@pytest.mark.parametrize(("key", "named"), [(HEARTBEAT_KEY, "a deadline worker"), (WEB_HEARTBEAT_KEY, "a web process")])
def test_a_restore_is_refused_while_the_service_runs_even_with_force(
    sqlite_service: Ticketing, database_url: str, data_dir: Path, tmp_path: Path, key: str, named: str
) -> None:
    archive = tmp_path / "backup.tar.gz"
    assert _run(database_url, "backup", str(archive)).exit_code == 0
    url, live = _restored_copy(archive, tmp_path)
    with live.engine.begin() as conn:
        beat(conn, datetime.now(UTC) - timedelta(seconds=2), key)
    live.engine.dispose()

    result = _run(url, "restore", "--force", str(archive))
    assert result.exit_code == 1
    assert f"the service is running: {named}" in result.output
    assert "stop every web process and worker, then try again in" in result.output


def test_a_heartbeat_older_than_the_live_window_does_not_block_a_restore(
    sqlite_service: Ticketing, database_url: str, data_dir: Path, tmp_path: Path
) -> None:
    from ticketing.deploy import backup as store

    archive = tmp_path / "backup.tar.gz"
    assert _run(database_url, "backup", str(archive)).exit_code == 0
    _, live = _restored_copy(archive, tmp_path)
    stopped_at = datetime.now(UTC)
    with live.engine.begin() as conn:
        beat(conn, stopped_at, HEARTBEAT_KEY)
        beat(conn, stopped_at, WEB_HEARTBEAT_KEY)
    uploads = uploads_dir(Settings(data_dir=data_dir))
    with pytest.raises(store.BackupRefused, match="the service is running"):
        store.restore(live.engine, archive, uploads, stopped_at + LIVE_WITHIN - timedelta(seconds=1), force=True)
    store.restore(live.engine, archive, uploads, stopped_at + LIVE_WITHIN, force=True)
    with live.engine.connect() as conn:
        assert read_heartbeat(conn) is None  # the backup's own heartbeats are not carried over
    live.engine.dispose()


def test_a_web_process_beats_while_it_runs(engine: Engine) -> None:
    halt = keep_beating(engine, interval=0.05)
    try:

        def beaten() -> bool:
            with engine.connect() as conn:
                return read_heartbeat(conn, WEB_HEARTBEAT_KEY) is not None

        _wait_until(beaten, "the web heartbeat")
    finally:
        halt()
    with engine.connect() as conn:
        seen = read_heartbeat(conn, WEB_HEARTBEAT_KEY)
    assert seen is not None and abs(datetime.now(UTC) - seen) < LIVE_WITHIN


# --- the worker ends with serve and demo -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _worker_of(parent: int) -> int | None:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"worker" in command:
            return int(stat.parent.name)
    return None


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with the demo loaded once (each test serves a copy)."""
    path = tmp_path_factory.mktemp("demo") / "ticketing.sqlite3"
    result = _run(f"sqlite:///{path}", "demo", "--load-only")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def started(demo_database: Path, tmp_path: Path) -> Iterator[Callable[[str], tuple[subprocess.Popen[bytes], int]]]:
    """Start ``ticketing serve`` or ``demo`` over a copy of the demo database; the process and its worker's pid."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_database, data / "ticketing.sqlite3")
    env = {k: v for k, v in os.environ.items() if k not in ("TICKETING_DATABASE_URL", "TICKETING_SECRET_KEY")}
    env |= {"TICKETING_DATA_DIR": str(data), "TICKETING_SECURE_COOKIES": "0"}  # the database follows the data dir
    env |= {"PYTHONFAULTHANDLER": "1"}  # SIGABRT prints every thread's stack (``_ended``)
    engine = make_engine(f"sqlite:///{data / 'ticketing.sqlite3'}")
    processes: list[subprocess.Popen[bytes]] = []

    def start(command: str) -> tuple[subprocess.Popen[bytes], int]:
        args = [sys.executable, "-m", "ticketing.cli", command, "--port", str(_free_port())]
        with (tmp_path / f"{command}.stderr").open("wb") as stderr:
            process = subprocess.Popen(
                args, env=env, stdout=subprocess.DEVNULL, stderr=stderr, preexec_fn=_as_in_a_terminal
            )
        processes.append(process)

        def beating() -> bool:
            with engine.connect() as conn:
                return read_heartbeat(conn) is not None and read_heartbeat(conn, WEB_HEARTBEAT_KEY) is not None

        _wait_until(beating, f"{command}: the worker's and the web process's heartbeats")
        worker = _worker_of(process.pid)
        assert worker is not None and _alive(worker)
        return process, worker

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=BOUND)
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])  # stopped, Ctrl+C, killed outright
@pytest.mark.parametrize("command", ["serve", "demo"])
def test_the_worker_ends_with_its_parent(
    started: Callable[[str], tuple[subprocess.Popen[bytes], int]], command: str, how: signal.Signals, tmp_path: Path
) -> None:
    parent, worker = started(command)
    parent.send_signal(how)
    _ended(parent, tmp_path / f"{command}.stderr")
    _wait_until(lambda: not _alive(worker), f"the worker of {command} after {how.name}")


def _as_in_a_terminal() -> None:
    """Let SIGINT stop the command as Ctrl+C in a terminal does, though this run may ignore it.

    A shell starts a background job with SIGINT ignored, its children inherit that, and Python then
    installs no KeyboardInterrupt handler: a suite started with ``&`` would see ``demo`` ignore Ctrl+C.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ended(process: subprocess.Popen[bytes], stderr: Path) -> None:
    """Wait for the process to end; if it does not, fail with where each of its threads was (and what it said)."""
    try:
        process.wait(timeout=BOUND)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        process.wait(timeout=BOUND)
        pytest.fail(f"{process.args} still ran {BOUND} s after the signal:\n{stderr.read_text(errors='replace')}")


@pytest.mark.slow
def test_a_restore_names_what_runs_while_serve_runs(
    started: Callable[[str], tuple[subprocess.Popen[bytes], int]], tmp_path: Path
) -> None:
    parent, _ = started("serve")
    url = f"sqlite:///{tmp_path / 'data' / 'ticketing.sqlite3'}"
    archive = tmp_path / "backup.tar.gz"
    assert _run(url, "backup", str(archive)).exit_code == 0  # a backup is fine while it runs
    result = _run(url, "restore", "--force", str(archive))
    assert result.exit_code == 1
    assert "a deadline worker" in result.output and "a web process" in result.output
    assert parent.poll() is None
