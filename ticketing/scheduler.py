"""APScheduler wiring for ``ticketing worker``: it decides *when* to sweep, the sweep decides what fires.

Jobs live in an in-memory store and are declared here at every start: APScheduler
3 job stores must not be shared between processes, and the deadlines are rows of
our own that the sweep claims, so any number of workers may run at once. A
sweep at start catches what fell due while no worker ran (a misfire grace would
drop it); a plan job reads the next due time every second and sets a one-shot
wake for it, so deadlines fire on time rather than at the next poll; a slow
safety sweep covers anything else.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ticketing.deploy.metrics import observe_sweep
from ticketing.read.deadlines import next_due
from ticketing.services import SweepReport, Ticketing, heartbeat

log = logging.getLogger("ticketing.worker")

START, PLAN, WAKE, SAFETY, HEARTBEAT, DISPATCH = (
    "sweep-at-start",
    "plan",
    "wake",
    "safety-sweep",
    "heartbeat",
    "dispatch",
)
Dispatch = Callable[[datetime], object]
"""Deliver the outbox messages due at a time (``ticketing.services.outbox.dispatch_due`` bound to its channels)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Worker:
    """One worker process: its scheduler and the jobs it runs, each a thin call into the services."""

    def __init__(
        self,
        ticketing: Ticketing,
        *,
        safety_interval: float = 60.0,
        heartbeat_interval: float = 5.0,
        plan_interval: float = 1.0,
        batch_size: int = 500,
        clock: Callable[[], datetime] = utc_now,
        dispatch: Dispatch | None = None,
        dispatch_interval: float = 5.0,
    ) -> None:
        self.ticketing = ticketing
        self.safety_interval = safety_interval
        self.heartbeat_interval = heartbeat_interval
        self.plan_interval = plan_interval
        self.batch_size = batch_size
        self.clock = clock
        self.dispatch = dispatch
        self.dispatch_interval = dispatch_interval
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1})
        self._sweeping = threading.Lock()  # the wake, start and safety sweeps of one process take turns

    def sweep(self) -> SweepReport:
        """Fire what is due now; log the counts."""
        with self._sweeping:
            now = self.clock()
            due = next_due(self.ticketing.engine)
            started = time.monotonic()
            report = self.ticketing.sweep.run(now, self.batch_size)
            late = (now - due).total_seconds() if due is not None and due <= now and report.applied else None
            observe_sweep(report, time.monotonic() - started, late)
        log.info(
            "sweep: fired %d (escalated %d, handed over %d, newly overdue %d, callbacks overdue %d, stale %d); "
            "%d reminder(s), %d 催办, %d 通报; %d absence hand-over(s)",
            report.fired,
            report.escalated,
            report.handed_over,
            report.overdue,
            report.callbacks_overdue,
            report.stale,
            report.reminded,
            report.urged,
            report.warned,
            report.handovers,
        )
        return report

    def wake(self) -> None:
        """Sweep at a due time, then set the wake for the next one at once rather than at the next plan.

        A sweep that took no timer found the due ones claimed by another worker still at work (or its clock
        behind the database's): waking again at once would spin on them, so the plan job looks at its next tick.
        """
        report = self.sweep()
        if report.applied or report.stale:
            self.plan()

    def deliver(self) -> None:
        """Send the outbox messages that are due (at least once; receivers get idempotency keys)."""
        if self.dispatch is not None:
            self.dispatch(self.clock())

    def beat(self) -> None:
        heartbeat.beat(self.ticketing.engine, heartbeat.HEARTBEAT_KEY, self.clock())

    def plan(self) -> None:
        """(Re)set the wake for the earliest pending deadline; a late wake still runs."""
        due = next_due(self.ticketing.engine)
        if due is None:
            return
        wake = self.scheduler.get_job(WAKE)
        if wake is not None and wake.next_run_time == due:
            return
        self.scheduler.add_job(
            self.wake, DateTrigger(due, timezone=UTC), id=WAKE, replace_existing=True, misfire_grace_time=None
        )

    def start(self) -> None:
        """Declare the jobs and start the scheduler's thread."""
        add = self.scheduler.add_job
        add(self.beat, IntervalTrigger(seconds=self.heartbeat_interval), id=HEARTBEAT, next_run_time=utc_now())
        add(self.sweep, DateTrigger(timezone=UTC), id=START, misfire_grace_time=None)
        add(self.plan, IntervalTrigger(seconds=self.plan_interval), id=PLAN, next_run_time=utc_now())
        add(self.sweep, IntervalTrigger(seconds=self.safety_interval), id=SAFETY, misfire_grace_time=None)
        if self.dispatch is not None:
            add(self.deliver, IntervalTrigger(seconds=self.dispatch_interval), id=DISPATCH, next_run_time=utc_now())
        self.scheduler.start()
        log.info(
            "worker started: safety sweep every %gs, heartbeat every %gs", self.safety_interval, self.heartbeat_interval
        )

    def run(self, stop: threading.Event) -> None:
        """Run until ``stop`` is set, then let the running jobs finish."""
        self.start()
        try:
            while not stop.wait(1.0):
                pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop starting jobs and wait for the running sweep.

        Not ``shutdown(wait=True)``: APScheduler 3 holds its job-store lock while it
        waits for the running jobs, and a wake that has swept then plans, which takes
        that lock: the two would wait for each other forever. Jobs still running
        after the sweep end before the interpreter exits (pool threads are joined).
        """
        self.scheduler.shutdown(wait=False)
        with self._sweeping:
            log.info("worker stopped")
