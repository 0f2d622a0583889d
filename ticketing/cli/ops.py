"""Operating commands: ``init``, ``sweep``, ``serve`` (gunicorn) and ``demo`` (a single local process)."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from dataclasses import replace
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.org import summary_text
from ticketing.demo.district import DISTRICTS
from ticketing.deploy.datadir import UnsafeSecretKey, secret_key
from ticketing.deploy.migrate import upgrade
from ticketing.services import SweepReport


@click.command()
@pass_context
def init(obj: CliContext) -> None:
    """Create or upgrade the schema and check the workflows load."""
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
@click.option("--port", type=int, default=8000, show_default=True)
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
    os.environ["TICKETING_DATABASE_URL"] = obj.settings.database_url  # for the web processes and the worker
    worker = None if no_worker else _start_worker()
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "graceful_timeout": 10,
        "control_socket_disable": True,  # several instances on one host would share ~/.gunicorn/gunicorn.ctl
        "on_exit": lambda _arbiter: _stop(worker),
    }
    click.echo(f"serving on http://{host}:{port}/ with {workers} web process(es)" + ("" if worker else ", no worker"))
    hide_gunicorn_version()
    _Gunicorn(options).run()


class _Gunicorn(BaseApplication):
    """gunicorn started from code: our options, and the app built from the environment in each web process."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from ticketing.web.wsgi import app

        return app


def _check_secret_key(obj: CliContext) -> None:
    """Refuse to serve with a secret key too short to sign sessions (generating the default one first)."""
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


def _serve_demo(obj: CliContext, host: str, port: int) -> None:
    """One web process on this machine, with the deadline worker beside it so the demo escalates on its own.

    SIGTERM stops it as Ctrl+C does, stopping the worker too.
    """
    from werkzeug.serving import run_simple

    from ticketing.web import create_app
    from ticketing.web.liveness import keep_beating
    from ticketing.web.server_header import QuietRequestHandler

    app = create_app(obj.settings, obj.ticketing)
    os.environ["TICKETING_DATABASE_URL"] = obj.settings.database_url  # the worker's database
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    worker = _start_worker()
    keep_beating(obj.engine)
    click.echo(f"serving on http://{host}:{port}/ with a deadline worker (Ctrl+C to stop)")
    try:
        run_simple(host, port, app, threaded=True, request_handler=QuietRequestHandler)
    finally:
        _stop(worker)


@click.command()
@click.option("--load-only", is_flag=True, help="Load the demo district and tickets, then exit.")
@click.option(
    "--district",
    type=click.Choice(DISTRICTS),
    default="small",
    show_default=True,
    help="small: 2 streets, 6 communities; full: the seed's 4 streets, 42 communities, 127 grids.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@pass_context
def demo(obj: CliContext, load_only: bool, district: str, host: str, port: int) -> None:
    """Load a demo district and sample tickets (idempotent), then serve on plain HTTP for this machine.

    A deadline worker runs beside the web process, so the demo's tickets escalate in real time.
    """
    from ticketing.demo.tickets import DEMO_LOGINS, DEMO_PASSWORD, load_demo

    if not load_only:
        _check_secret_key(obj)  # before loading, not after
    upgrade(obj.engine)
    loaded = load_demo(obj.ticketing, district=district)
    click.echo(summary_text(loaded.org))
    if loaded.tickets_opened:
        opened, fired = loaded.tickets_opened, loaded.deadlines_fired
        click.echo(f"demo tickets: {opened} opened; the sweep fired {fired} deadline(s)")
    else:
        click.echo("demo tickets already loaded: nothing to do")
    base = f"http://{host}:{port}"
    click.echo(f"\ndemo logins at {base}/login (password {DEMO_PASSWORD}):")
    for staff_id, who in DEMO_LOGINS:
        click.echo(f"  {staff_id}  {who}")
    if loaded.resident_token:
        click.echo(f"resident link: {base}/r/t/{loaded.resident_token}  (ticket {loaded.resident_ticket})")
    click.echo(f"residents track any demo ticket at {base}/r/track with its number and phone ending 0000")
    if not load_only:
        obj.settings = replace(obj.settings, secure_cookies=False)
        _serve_demo(obj, host, port)
