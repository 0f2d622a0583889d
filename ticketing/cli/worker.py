"""``ticketing worker``: the process that fires deadlines on time."""

from __future__ import annotations

import logging
import signal
import threading
from typing import TYPE_CHECKING

import click

from ticketing.cli.context import CliContext, pass_context

if TYPE_CHECKING:
    from ticketing.scheduler import Dispatch

DISPATCH_BATCH = 100


@click.command()
@click.option(
    "--safety-interval",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds between safety sweeps.",
)
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=500, show_default=True)
@click.option("--once", is_flag=True, help="Sweep once, as at start, and exit (for cron).")
@click.option("--no-dispatch", is_flag=True, help="Do not deliver outbox messages from this process.")
@click.option("--metrics-port", type=click.IntRange(1, 65535), help="Serve the sweep metrics on this loopback port.")
@click.option("--parent-pid", type=int, hidden=True, help="Stop when this process ends (set by serve and demo).")
@pass_context
def worker(
    obj: CliContext,
    safety_interval: float,
    batch_size: int,
    once: bool,
    no_dispatch: bool,
    metrics_port: int | None,
    parent_pid: int | None,
) -> None:
    """Fire deadlines on time: sweep at start, wake at each next due time, sweep every --safety-interval.

    Stops on SIGTERM or SIGINT once the running sweep has finished, and, started by
    ``serve`` or ``demo``, when that parent ends however it ends. Any number may run at once.
    """
    from ticketing.deploy.lifeline import follow_parent
    from ticketing.deploy.metrics import serve_worker_metrics
    from ticketing.scheduler import Worker

    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per job run, every second
    dispatch = None if no_dispatch else _dispatcher(obj)
    running = Worker(obj.ticketing, safety_interval=safety_interval, batch_size=batch_size, dispatch=dispatch)
    if metrics_port:
        serve_worker_metrics(metrics_port)
    if once:
        running.sweep()
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if parent_pid is not None:
        follow_parent(parent_pid, stop)
    if not stop.is_set():
        running.run(stop)


def _dispatcher(obj: CliContext) -> Dispatch:
    """Outbox delivery over the configured channels, in the configured language."""
    from ticketing.notify.delivery import configured_channels, renderer_for
    from ticketing.services.outbox import dispatch_due

    channels = configured_channels(obj.settings)
    renderer = renderer_for(obj.settings, obj.ticketing.worlds.catalogue)
    return lambda now: dispatch_due(obj.engine, channels, now, DISPATCH_BATCH, renderer)
