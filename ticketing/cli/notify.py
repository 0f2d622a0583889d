"""``ticketing notify``: deliver the notification outbox, list what could not be delivered, send it again."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.group import Group

if TYPE_CHECKING:
    from ticketing.services.outbox import DispatchReport


@click.group(cls=Group)
def notify() -> None:
    """Notifications to staff and residents: log, e-mail, webhook, SMS (configured by TICKETING_* settings)."""


@notify.command()
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (default: keep polling).")
@click.option("--now", help="With --once: dispatch as of this time, ISO 8601 (local time if no offset).")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--interval", type=click.FloatRange(0.1), default=5.0, show_default=True, help="Seconds between polls.")
@pass_context
def dispatch(obj: CliContext, once: bool, now: str | None, batch_size: int, interval: float) -> None:
    """Deliver due notices at least once, retrying failures with backoff; dead after 8 failures."""
    from ticketing.notify.delivery import configured_channels, renderer_for
    from ticketing.services.outbox import dispatch_due

    channels = configured_channels(obj.settings)
    renderer = renderer_for(obj.settings, obj.ticketing.worlds.catalogue)
    if once:
        click.echo(_summary(dispatch_due(obj.engine, channels, obj.moment(now), batch_size, renderer)))
        return
    click.echo(f"dispatching via {', '.join(c.name for c in channels)} every {interval:g} s (Ctrl+C to stop)")
    while True:
        report = dispatch_due(obj.engine, channels, datetime.now(UTC), batch_size, renderer)
        if report.claimed:
            click.echo(_summary(report))
        time.sleep(interval)


def _summary(report: DispatchReport) -> str:
    return f"claimed {report.claimed} notice(s): {report.sent} sent, {report.failed} to retry, {report.dead} dead" + (
        f", {report.lost_lease} taken over by another dispatcher" if report.lost_lease else ""
    )


@notify.command()
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
@pass_context
def dead(obj: CliContext, limit: int) -> None:
    """Notices given up on after repeated failures, newest first."""
    from ticketing.read.outbox import dead_messages

    messages = dead_messages(obj.engine, limit)
    if not messages:
        click.echo("no dead notices")
    for m in messages:
        click.echo(
            f"{m.id}  {m.ticket_number}  {m.event}  to {m.recipient_id}  dead {obj.local(m.dead_at)} "
            f"after {m.attempts} attempts: {m.last_error}"
        )


@notify.command()
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Retry every dead notice.")
@click.option("--now", help="Due as of this time, ISO 8601 (local time if no offset; default: now).")
@pass_context
def retry(obj: CliContext, ids: tuple[int, ...], every: bool, now: str | None) -> None:
    """Send dead notices (IDS, as "notify dead" lists them) again, under the same idempotency keys.

    Each goes back in the queue with a fresh count of attempts; the next dispatch sends it. A notice that is
    not dead is refused, and then none is retried.
    """
    from ticketing.services.outbox import retry_dead

    if bool(ids) == every:
        raise click.UsageError("give the ids of dead notices, or --all")
    retried = retry_dead(obj.engine, None if every else ids, obj.moment(now))
    if not retried:
        click.echo("no dead notices")
        return
    click.echo(f"{len(retried)} notice(s) queued again: {' '.join(map(str, retried))}")
