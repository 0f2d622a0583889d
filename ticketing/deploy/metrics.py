"""Prometheus metrics: the database's state, read at scrape time, and the worker's sweeps.

Counts of tickets, deadlines and outbox rows live in the database, so every web
process answers ``/metrics`` with the same numbers, computed at scrape from a
few aggregate queries (``app_registry``): nothing is counted in memory that a
restart or a second process would get wrong. ``ticketing_holiday_years_without_notice``
counts the years the next 60 days reach whose State Council notice (make-up
workdays) no holiday library carries: alert when it is above 0.

Sweeps run in the worker process, not in the web app. The worker times each
sweep and calls ``observe_sweep(report, seconds, lateness_seconds)``;
those histograms live in ``WORKER_REGISTRY``, which the worker exposes on a
port of its own with ``serve_worker_metrics(port)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Connection, Engine

from ticketing.db.queries.metrics import outbox_backlog, pending_by_kind
from ticketing.db.tickets import count_by_state, count_open_overdue, count_pending_due
from ticketing.domain.ticket import TimerKind
from ticketing.read.holidays import missing_notice
from ticketing.read.source import Source
from ticketing.services import SweepReport

WORKER_REGISTRY = CollectorRegistry()
_SWEEP_SECONDS = Histogram(
    "ticketing_sweep_duration_seconds",
    "Wall time of one sweep.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=WORKER_REGISTRY,
)
_SWEEP_LATENESS = Histogram(
    "ticketing_sweep_lateness_seconds",
    "How long after its due time the earliest deadline of a sweep was fired.",
    buckets=(1, 5, 15, 30, 60, 120, 300, 900, 3600),
    registry=WORKER_REGISTRY,
)
_FIRED = Counter("ticketing_deadlines_fired", "Deadlines fired by this worker's sweeps.", registry=WORKER_REGISTRY)
_SUPERVISED = Counter(
    "ticketing_supervision",
    "Reminders before deadlines, 催办 (urge) and 通报 (warn) sent by this worker's sweeps.",
    labelnames=["kind"],
    registry=WORKER_REGISTRY,
)


def observe_sweep(report: SweepReport, seconds: float, lateness_seconds: float | None) -> None:
    """Record one sweep (called by the worker; ``lateness_seconds`` is None when nothing was due)."""
    _SWEEP_SECONDS.observe(seconds)
    if lateness_seconds is not None:
        _SWEEP_LATENESS.observe(max(lateness_seconds, 0.0))
    _FIRED.inc(report.fired)
    for kind, count in (
        (TimerKind.REMINDER, report.reminded),
        (TimerKind.URGE, report.urged),
        (TimerKind.WARN, report.warned),
    ):
        _SUPERVISED.labels(kind=kind.value).inc(count)


def serve_worker_metrics(port: int, addr: str = "127.0.0.1") -> None:
    """Expose the worker's sweep metrics over HTTP from a background thread."""
    start_http_server(port, addr, registry=WORKER_REGISTRY)


def app_registry(source: Source, now: Callable[[], datetime]) -> CollectorRegistry:
    """A registry of its own for one web app, so apps (and tests) never share collectors."""
    registry = CollectorRegistry()
    registry.register(DatabaseCollector(source, now))
    return registry


class DatabaseCollector(Collector):
    """Gauges computed from the database (and the holiday libraries) at every scrape."""

    def __init__(self, source: Source, now: Callable[[], datetime]) -> None:
        self.source = source
        self.engine: Engine = source.engine
        self.now = now

    def collect(self) -> Iterator[Metric]:
        yield _gauge(
            "ticketing_holiday_years_without_notice",
            "Years the next 60 days reach with no State Council notice (make-up workdays) loaded.",
            len(missing_notice(self.source, self.now())),
        )
        with self.engine.connect() as conn:
            yield _tickets_by_state(conn)
            yield _gauge("ticketing_tickets_overdue", "Open tickets flagged overdue.", count_open_overdue(conn))
            yield _gauge(
                "ticketing_deadlines_due", "Pending deadlines already due.", count_pending_due(conn, self.now())
            )
            yield _pending_by_kind(conn)
            yield from _outbox(conn)

    def describe(self) -> Iterator[Metric]:
        return iter(())


def _pending_by_kind(conn: Connection) -> GaugeMetricFamily:
    """Timers not yet fired or cancelled: deadlines, reminders before them, 催办 (urge) and 通报 (warn)."""
    family = GaugeMetricFamily(
        "ticketing_deadlines_pending", "Timers not yet fired or cancelled, by kind.", labels=["kind"]
    )
    counts = pending_by_kind(conn)
    for kind in TimerKind:
        family.add_metric([kind.value], counts.get(kind.value, 0))
    return family


def _tickets_by_state(conn: Connection) -> GaugeMetricFamily:
    family = GaugeMetricFamily("ticketing_tickets", "Tickets in each state.", labels=["state"])
    for state, count in count_by_state(conn).items():
        family.add_metric([state], count)
    return family


def _outbox(conn: Connection) -> Iterator[GaugeMetricFamily]:
    """Backlog (not yet sent) and how many were given up."""
    backlog, failed = outbox_backlog(conn)
    yield _gauge("ticketing_outbox_backlog", "Notifications waiting to be sent.", backlog)
    yield _gauge("ticketing_outbox_dead", "Notifications given up after repeated failures.", failed)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)
