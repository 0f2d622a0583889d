"""Operating commands: ``init``, ``sweep``, ``serve`` and ``demo``, both of which serve under gunicorn."""

from __future__ import annotations

import errno
import importlib.util
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import click

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.org import summary_text
from ticketing.cli.progress import Progress, progress_option
from ticketing.demo.district import DISTRICTS

if TYPE_CHECKING:
    from ticketing.demo.tickets import DemoLoad
    from ticketing.deploy.settings import Settings
    from ticketing.services import SweepReport


@click.command()
@pass_context
def init(obj: CliContext) -> None:
    """Create or upgrade the schema and check the workflows load."""
    from ticketing.deploy.migrate import upgrade

    upgrade(obj.engine)
    catalogue = obj.ticketing.worlds.catalogue
    click.echo(f"database ready: {obj.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"workflows: {', '.join(catalogue.workflows)} ({len(catalogue.categories())} categories)")


@click.command()
@click.option("--now", help="Sweep as of this time, ISO 8601 (local time if no offset; default: now).")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=500, show_default=True)
@pass_context
def sweep(obj: CliContext, now: str | None, batch_size: int) -> None:
    """Fire every deadline, reminder, 催办 and 通报 that is due: each exactly once."""
    report = obj.ticketing.sweep.run(obj.moment(now), batch_size)
    click.echo(_summary(report))
    if report.numbers:
        click.echo("tickets: " + " ".join(report.numbers))


def _summary(report: SweepReport) -> str:
    return (
        f"fired {report.fired} deadline(s): {report.escalated} escalated, {report.handed_over} passed to the other "
        f"holder, {report.overdue} newly overdue, {report.callbacks_overdue} callbacks overdue; "
        f"{report.reminded} reminder(s), {report.urged} supervisor reminder(s) (催办), "
        f"{report.warned} written warning(s) (通报); {report.handovers} absence hand-over(s)"
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Web processes.")
@click.option("--no-worker", is_flag=True, help="Start no deadline worker (one runs elsewhere).")
@pass_context
def serve(obj: CliContext, host: str, port: int, workers: int, no_worker: bool) -> None:
    """Serve the web app under gunicorn with several web processes, and one deadline worker beside them.

    The web processes never sweep: only the worker fires deadlines, so there is
    one scheduler however many web processes run.
    """
    from ticketing.web.server_header import hide_gunicorn_version

    _check_secret_key(obj)  # here, once, rather than as each web process fails to boot
    _check_port(host, port)
    os.environ["TICKETING_DATABASE_URL"] = obj.settings.database_url  # for the web processes and the worker
    worker = None if no_worker else _start_worker()
    serving = f"serving on http://{host}:{port}/ with {workers} web process(es)" + ("" if worker else ", no worker")
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "graceful_timeout": 10,
        "control_socket_disable": True,  # several instances on one host would share ~/.gunicorn/gunicorn.ctl
        "when_ready": lambda _arbiter: click.echo(serving),  # once it listens
        "on_exit": lambda _arbiter: _stop(worker),
    }
    hide_gunicorn_version()
    _run_gunicorn(options, _wsgi_app)


def _wsgi_app() -> Any:
    """The app built from the environment, in each web process."""
    from ticketing.web.wsgi import app

    return app


def _run_gunicorn(options: dict[str, Any], load: Callable[[], Any]) -> None:
    """gunicorn started from code: these options, and the app ``load`` builds in each web process after the fork."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return load()

    Application().run()


def _check_port(host: str, port: int) -> None:
    """Refuse at once, naming the option to change, when the address cannot be listened on.

    gunicorn would retry for five seconds and end with "Can't connect"; a port taken by another
    program (an earlier demo still running) is the usual cause.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise click.ClickException(f"{host!r} is not an address of this machine: choose another with --host") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: a closed port is free
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise click.ClickException(f"port {port} is in use: choose another with --port") from None
            if error.errno == errno.EACCES:
                raise click.ClickException(
                    f"port {port} needs administrator rights: choose one above 1023 with --port"
                ) from None
            raise click.ClickException(
                f"cannot listen on {host} port {port} ({error.strerror}): check --host"
            ) from None


def _check_secret_key(obj: CliContext) -> None:
    """Refuse to serve with a secret key too short to sign sessions (generating the default one first)."""
    from ticketing.deploy.datadir import UnsafeSecretKey, secret_key

    try:
        secret_key(obj.settings)
    except UnsafeSecretKey as refused:
        raise click.ClickException(str(refused)) from None


def _start_worker() -> subprocess.Popen[bytes] | None:
    """One ``ticketing worker`` process, when this installation has the command; it ends when this process does."""
    if importlib.util.find_spec("ticketing.cli.worker") is None:
        click.echo("warning: no `ticketing worker` command here: deadlines fire only on `ticketing sweep`", err=True)
        return None
    return subprocess.Popen([sys.executable, "-m", "ticketing.cli", "worker", "--parent-pid", str(os.getpid())])


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _serve_demo(obj: CliContext, host: str, port: int, ready: Callable[[], None]) -> None:
    """One gunicorn web process on this machine, with the deadline worker beside it so the demo escalates on its own.

    ``ready`` runs once gunicorn listens. SIGTERM and Ctrl+C stop it as they stop ``serve``, stopping the worker too.
    """
    from ticketing.web.server_header import hide_gunicorn_version

    settings = replace(obj.settings, secure_cookies=False)  # plain HTTP on this machine
    os.environ["TICKETING_DATABASE_URL"] = settings.database_url  # the worker's database
    obj.engine.dispose()  # the web process opens its own connections after the fork
    worker = _start_worker()
    options = {
        "bind": f"{host}:{port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": 8,
        "graceful_timeout": 5,
        "loglevel": "warning",  # the demo says where it serves itself
        "control_socket_disable": True,
        "when_ready": lambda _arbiter: ready(),
        "on_exit": lambda _arbiter: _stop(worker),
    }
    hide_gunicorn_version()
    _run_gunicorn(options, lambda: _demo_app(settings))


def _demo_app(settings: Settings) -> Any:
    """The demo's app in its web process, beating so ``restore`` knows it runs."""
    from ticketing.web import create_app
    from ticketing.web.liveness import keep_beating

    app = create_app(settings)
    keep_beating(app.extensions["ticketing"].engine)
    return app


@click.command()
@click.option("--load-only", is_flag=True, help="Load the demo district and tickets, then exit.")
@click.option(
    "--district",
    type=click.Choice(DISTRICTS),
    default="small",
    show_default=True,
    help="small: 2 streets, 6 communities; full: the seed's 4 streets, 42 communities, 127 grids.",
)
@click.option(
    "--now",
    help="The moment the sample tickets' timelines end, ISO 8601 (default: now): the same moment loads the same "
    "tickets, whatever the time of day.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@progress_option
@pass_context
def demo(
    obj: CliContext, load_only: bool, district: str, now: str | None, host: str, port: int, progress: bool | None
) -> None:
    """Load a demo district and sample tickets (idempotent), then serve on plain HTTP for this machine.

    A deadline worker runs beside the web process, so the demo's tickets escalate in real time.
    The logins are printed once the demo serves.
    """
    from ticketing.demo.tickets import load_demo
    from ticketing.deploy.migrate import upgrade

    if not load_only:
        _check_secret_key(obj)  # before loading, not after
        _check_port(host, port)
    upgrade(obj.engine)
    with Progress("loading the demo", progress) as shown:
        loaded = load_demo(obj.ticketing, obj.moment(now), district=district, progress=shown)
    click.echo(summary_text(loaded.org))
    if loaded.tickets_opened:
        opened, fired = loaded.tickets_opened, loaded.deadlines_fired
        click.echo(f"demo tickets: {opened} opened; the sweep fired {fired} deadline(s)")
    else:
        click.echo("demo tickets already loaded: nothing to do")
    if load_only:
        click.echo("loaded; `ticketing demo` serves it and prints the logins")
        return
    _serve_demo(obj, host, port, lambda: _print_logins(loaded, f"http://{host}:{port}"))


def _print_logins(loaded: DemoLoad, base: str) -> None:
    """Where the demo serves and who can log in: printed once gunicorn listens, so every link answers."""
    from ticketing.demo.tickets import DEMO_LOGINS, DEMO_PASSWORD

    click.echo(f"serving on {base}/ with a deadline worker (Ctrl+C to stop)")
    click.echo(f"\ndemo logins at {base}/login (password {DEMO_PASSWORD}):")
    for staff_id, who in DEMO_LOGINS:
        click.echo(f"  {staff_id}  {who}")
    if loaded.resident_token:
        click.echo(f"resident link: {base}/r/t/{loaded.resident_token}  (ticket {loaded.resident_ticket})")
    click.echo(f"residents track any demo ticket at {base}/r/track with its number and phone ending 0000")
