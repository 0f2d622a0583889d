"""The sweep: every deadline, reminder, 催办 and 通报 due by ``now`` fires exactly once, batch by batch.

Absences that began or ended hand their tickets over first. Each batch is one
transaction that claims its timers, so two workers sweeping at once never fire
the same timer twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine

from ticketing.db import rollup
from ticketing.db import tickets as store
from ticketing.domain import supervision
from ticketing.domain.ticket import HistoryAction, Outcome, Ticket, Timer, TimerKind
from ticketing.organisation.registry_view import WorldSource
from ticketing.services.absences import hand_over_due
from ticketing.services.changes import plan_timers, require_aware
from ticketing.services.unit_of_work import unit_of_work


@dataclass
class SweepReport:
    """What a sweep did, for the CLI and the logs.

    ``fired`` counts deadlines; reminders, 催办 and 通报 have their own counts;
    ``stale`` counts timers the ticket had moved past (a reminder whose deadline
    already passed, a deadline an action had just changed).
    """

    fired: int = 0
    escalated: int = 0
    handed_over: int = 0
    overdue: int = 0
    callbacks_overdue: int = 0
    reminded: int = 0
    urged: int = 0
    warned: int = 0
    handovers: int = 0
    stale: int = 0
    numbers: list[str] = field(default_factory=list)

    @property
    def applied(self) -> int:
        """Timers of every kind that acted."""
        return self.fired + self.reminded + self.urged + self.warned

    def count(self, ticket: Ticket, timer: Timer, outcome: Outcome | None) -> None:
        if outcome is None:
            self.stale += 1
            return
        self.fired += timer.kind is TimerKind.DEADLINE
        actions = {entry.action for entry in outcome.entries}
        self.escalated += HistoryAction.ESCALATE in actions
        self.handed_over += HistoryAction.HANDOVER in actions
        self.overdue += HistoryAction.OVERDUE in actions
        self.callbacks_overdue += HistoryAction.CALLBACK_OVERDUE in actions
        self.reminded += HistoryAction.REMIND in actions
        self.urged += HistoryAction.URGE in actions
        self.warned += HistoryAction.WARN in actions
        self.numbers.append(ticket.number)


class Sweep:
    """The sweep use case over one database."""

    def __init__(self, engine: Engine, worlds: WorldSource) -> None:
        self.engine = engine
        self.worlds = worlds

    def run(self, now: datetime, batch_size: int = 500) -> SweepReport:
        """Fire every timer due by ``now``, each exactly once, batch by batch."""
        require_aware(now)
        report = SweepReport()
        with unit_of_work(self.engine) as work:
            report.handovers += hand_over_due(work.conn, self.worlds.world(work.conn), now)
        while self._batch(now, batch_size, report):
            pass
        with unit_of_work(self.engine) as work:  # the rates' changes since the last sweep, into their days' rows
            rollup.fold(work.conn)
        return report

    def _batch(self, now: datetime, batch_size: int, report: SweepReport) -> bool:
        with unit_of_work(self.engine) as work:
            claimed = store.claim_due(work.conn, now, batch_size)
            if not claimed:
                return False
            world = self.worlds.world(work.conn)
            found = store.get_many(work.conn, [row.ticket_id for row in claimed], for_update=True)
            read = store.snapshot(work.conn, found.values())
            store.mark_fired(work.conn, [row.id for row in claimed], now)
            changed, noted = [], []
            for row in claimed:
                ticket = found[row.ticket_id]
                timer = store.to_timer(row)
                outcome = supervision.fire(world, ticket, timer, now)
                report.count(ticket, timer, outcome)
                if outcome is not None and outcome.deadline_changed:
                    plan_timers(world, ticket, outcome, now)
                    changed.append((ticket, outcome))
                elif timer.kind is TimerKind.REMINDER:  # whether it reminded or came too late, the next timer follows
                    outcome = outcome or Outcome()
                    outcome.timers = supervision.next_timer(world, ticket, now)
                    noted.append((ticket, outcome))
            store.save_many(work.conn, changed, read)
            store.record_effects(work.conn, noted, now)
        return True
