"""Use cases: one method per thing a user does, each one transaction.

Callers pass plain values and ``now``; the rules live in ``ticketing.domain``.
A failed rule raises before anything is written, and a failed write rolls the
whole transaction back, so nothing is ever half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine

from ticketing.db import absences as absence_store
from ticketing.db import tickets as store
from ticketing.db.org_store import ImportSummary, load_org, save_org
from ticketing.domain import absences as absence_rules
from ticketing.domain import choices, rules, supervision
from ticketing.domain.coverage import holders_changed
from ticketing.domain.errors import Conflict, InvalidInput, NotFound
from ticketing.domain.guards import Satisfaction
from ticketing.domain.locate import locate
from ticketing.domain.org import Absence, UnitKind
from ticketing.domain.rules import Intake, World
from ticketing.domain.ticket import (
    Channel,
    HistoryAction,
    Outcome,
    ResidentChannel,
    Ticket,
    TicketDetail,
    Timer,
    TimerKind,
)
from ticketing.domain.workflow import Duration
from ticketing.orgdata import OrgData
from ticketing.world import WorldSource


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """A file the resident sent with a request, already stored under ``file_name``."""

    file_name: str
    content_type: str
    size: int


Act = Callable[[World, Ticket, str | None, datetime, dict[str, Any]], Outcome]


def _text(params: dict[str, Any], key: str) -> str:
    return rules.refuse_control(key, str(params.get(key) or ""))


def _satisfaction(params: dict[str, Any]) -> Satisfaction | None:
    return choices.satisfaction_of(params.get("satisfaction"))


def _duration(params: dict[str, Any]) -> Duration:
    try:
        return Duration.parse(_text(params, "by"))
    except ValueError as error:
        raise InvalidInput("extend --by: %(error)s", error=error) from None


def _aware(*moments: datetime) -> None:
    """Refuse naive times at the edge: a time without a zone is 8 hours off in one place or another."""
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise InvalidInput("%(moment)s has no time zone; give a time with an offset", moment=moment.isoformat())


ACTIONS: dict[str, Act] = {
    "acknowledge": lambda w, t, a, now, p: rules.acknowledge(w, t, a, now),
    "note": lambda w, t, a, now, p: rules.note(w, t, a, _text(p, "text"), now),
    "transfer": lambda w, t, a, now, p: rules.transfer(w, t, a, p.get("target_post"), _text(p, "reason"), now),
    "pause": lambda w, t, a, now, p: rules.pause(w, t, a, _text(p, "reason"), now),
    "resume": lambda w, t, a, now, p: rules.resume(w, t, a, now),
    "resolve": lambda w, t, a, now, p: rules.resolve(w, t, a, _text(p, "resolution"), now),
    "refer": lambda w, t, a, now, p: rules.refer(w, t, a, _text(p, "body"), _text(p, "reason"), now),
    "callback": lambda w, t, a, now, p: rules.callback(
        w, t, a, bool(p.get("reached", True)), _satisfaction(p), _text(p, "comment"), now
    ),
    "extend": lambda w, t, a, now, p: rules.extend(w, t, a, _duration(p), _text(p, "reason"), now),
    "return_to_resident": lambda w, t, a, now, p: rules.return_to_resident(w, t, a, _text(p, "reason"), now),
    "close": lambda w, t, a, now, p: rules.close(w, t, a, now),
}


class Ticketing:
    """The application: tickets, absences and the sweep over one database."""

    def __init__(self, engine: Engine, worlds: WorldSource) -> None:
        self.engine = engine
        self.worlds = worlds

    # --- tickets -------------------------------------------------------------

    def open_ticket(
        self,
        *,
        category: str,
        description: str,
        contact_phone: str,
        now: datetime,
        channel: Channel = Channel.WEB,
        location_id: str | None = None,
        address: str = "",
        lat: float | None = None,
        lon: float | None = None,
        contact_name: str = "",
        contact_email: str = "",
        notify_by: ResidentChannel | str = ResidentChannel.NONE,
        registrar_id: str | None = None,
        access_token: str | None = None,
        attachment: NewAttachment | None = None,
    ) -> Ticket:
        """Open a request; it routes to the first tier's post for its location.

        ``access_token`` is the secret of the resident's private link; only its hash is kept.
        ``attachment`` (a photo) is recorded in the same transaction.
        ``notify_by`` is how the resident hears of the resolution and the closing: sms, email or none.
        """
        _aware(now)
        channel_choice = choices.resident_channel_of(notify_by)
        with self.engine.begin() as conn:
            world = self.worlds.world(conn)
            where = locate(world.org, location_id, address, lat, lon)
            kind = world.org.units[where].kind if where else None
            spec = self.worlds.catalogue.for_category(category, kind if kind is not UnitKind.COMMUNITY else None)
            intake = Intake(
                spec.name,
                category,
                description,
                channel,
                contact_phone,
                where,
                address,
                lat,
                lon,
                contact_name,
                contact_email.strip(),
                channel_choice,
            )
            ticket_id = store.next_ticket_id(conn)
            number = f"{now.astimezone(self.worlds.tz):%y%m%d}-{ticket_id:06d}"
            ticket, outcome = rules.open_ticket(world, intake, ticket_id, number, now, registrar_id)
            _plan(world, ticket, outcome, now)
            store.insert_ticket(conn, ticket, outcome, store.token_hash(access_token) if access_token else None)
            if attachment is not None:
                photo = attachment
                store.add_attachment(conn, ticket.id, photo.file_name, photo.content_type, photo.size, now)
            return ticket

    def find_by_token(self, access_token: str) -> TicketDetail:
        """The ticket behind a resident's private link."""
        with self.engine.connect() as conn:
            return store.detail(conn, store.get_by_token(conn, access_token))

    def find_for_resident(self, number: str, phone_ending: str) -> TicketDetail:
        """A resident's ticket by tracking number and the last four digits of their phone."""
        digits = "".join(ch for ch in phone_ending if ch.isdigit())
        if len(digits) != 4:
            raise InvalidInput("give the last four digits of the phone number the request was made with")
        with self.engine.connect() as conn:
            try:
                ticket = store.get(conn, number.strip())
            except NotFound:
                ticket = None
            if ticket is None or not ticket.contact_phone.replace(" ", "").endswith(digits):
                raise NotFound("no request matches this tracking number and phone ending")
            return store.detail(conn, ticket)

    def act(
        self,
        key: str,
        action: str,
        actor_id: str | None,
        now: datetime,
        expected_version: int | None = None,
        **params: Any,
    ) -> Ticket:
        """Apply one staff action; a stale ``expected_version`` is a conflict, not an overwrite."""
        _aware(now)
        handler = ACTIONS.get(action)
        if handler is None:
            raise InvalidInput(
                "unknown action %(action)r; actions: %(actions)s", action=action, actions=", ".join(ACTIONS)
            )
        return self._change(
            key, expected_version, now, lambda world, ticket: handler(world, ticket, actor_id, now, params)
        )

    def resident_feedback(
        self, key: str, satisfaction: Satisfaction | str | None, comment: str, now: datetime, expected_version: int
    ) -> Ticket:
        """The resident confirms the result online (an alternative to the phone callback)."""
        _aware(now)
        verdict = choices.satisfaction_of(satisfaction)
        rules.refuse_control("comment", comment)
        return self._change(
            key,
            expected_version,
            now,
            lambda world, ticket: rules.resident_feedback(world, ticket, verdict, comment, now),
        )

    def _change(
        self, key: str, expected_version: int | None, now: datetime, apply: Callable[[World, Ticket], Outcome]
    ) -> Ticket:
        """Apply one rule to a ticket in one transaction; a stale ``expected_version`` is a conflict."""
        with self.engine.begin() as conn:
            world = self.worlds.world(conn)
            ticket = store.get(conn, key)
            read_version = ticket.version
            if expected_version is not None and expected_version != read_version:
                raise Conflict(
                    "ticket %(number)s is at version %(version)s, not %(expected)s: "
                    "someone else changed it (now %(state)s); reload it and try again",
                    number=ticket.number,
                    version=read_version,
                    expected=expected_version,
                    state=ticket.state,
                )
            outcome = apply(world, ticket)
            _plan(world, ticket, outcome, now)
            store.save(conn, ticket, read_version, outcome)
            return ticket

    def show(self, key: str) -> TicketDetail:
        with self.engine.connect() as conn:
            return store.detail(conn, store.get(conn, key))

    def list_tickets(
        self,
        *,
        state: str | None = None,
        post_id: str | None = None,
        holder_id: str | None = None,
        first_responder_id: str | None = None,
        community_id: str | None = None,
        overdue: bool | None = None,
        open_only: bool = False,
        limit: int = 50,
    ) -> list[Ticket]:
        """Tickets matching every filter given, most urgent deadline first."""
        given = {
            "state": state,
            "post_id": post_id,
            "holder_id": holder_id,
            "first_responder_id": first_responder_id,
            "community_id": community_id,
            "overdue": overdue,
        }
        filters = {column: value for column, value in given.items() if value is not None}
        with self.engine.connect() as conn:
            return store.find(conn, filters, open_only, limit)

    def state_counts(self) -> dict[str, int]:
        """How many tickets are in each state, plus ``overdue``: open tickets flagged overdue (for the status page)."""
        with self.engine.connect() as conn:
            counts = store.count_by_state(conn)
            counts["overdue"] = store.count_open_overdue(conn)
        return counts

    # --- absences ------------------------------------------------------------

    def record_absence(self, staff_id: str, starts_at: datetime, ends_at: datetime, reason: str, now: datetime) -> int:
        """Record leave or a trip within the bounds of ``domain.absences``; if it has begun, the others take over."""
        _aware(starts_at, ends_at, now)
        absence_rules.check_period(starts_at, ends_at, now)
        text = absence_rules.check_reason(reason)
        with self.engine.begin() as conn:
            world = self.worlds.world(conn)
            if staff_id not in world.org.staff:
                raise NotFound("unknown staff member %(staff)r", staff=staff_id)
            absence_id = absence_store.add(conn, staff_id, starts_at, ends_at, text)
            self._apply_absences(conn, now)
            return absence_id

    def end_absence(self, absence_id: int, now: datetime, actor_id: str | None = None) -> Absence:
        """The holder is back early: the absence ends now and the tickets it handed over come back.

        ``actor_id`` is who asks (the absent member or an admin); None is the operator at the command line.
        """
        _aware(now)
        with self.engine.begin() as conn:
            absence = absence_store.get(conn, absence_id)
            absence_rules.check_actor(self.worlds.world(conn).org, absence, actor_id)
            ended = absence_rules.end_early(absence, now)
            absence_store.end(conn, absence_id, ended.ends_at)
            self._apply_absences(conn, now)
            return ended

    def cancel_absence(self, absence_id: int, now: datetime, actor_id: str | None = None) -> Absence:
        """The absence will not happen or was a mistake: it stops counting and any tickets it moved come back."""
        _aware(now)
        with self.engine.begin() as conn:
            absence = absence_store.get(conn, absence_id)
            absence_rules.check_actor(self.worlds.world(conn).org, absence, actor_id)
            cancelled = absence_rules.cancel(absence, now)
            absence_store.cancel(conn, absence_id, now, started=absence.starts_at <= now)
            self._apply_absences(conn, now)
            return cancelled

    def _apply_absences(self, conn: Connection, now: datetime) -> int:
        """Hand over the tickets of holders who have left, and back to those who returned."""
        world = self.worlds.world(conn)
        changed = 0
        for absence in absence_store.starting(conn, now):
            cover = partial(_cover_absence, world, absence, now)
            changed += self._each_held(conn, world, absence.staff_id, now, cover)
            absence_store.mark(conn, absence, handed_over=True)
        for absence in absence_store.ending(conn, now):
            if not world.absent(absence.staff_id, now):
                changed += self._returning(conn, world, absence.staff_id, now)
            absence_store.mark(conn, absence, handed_over=True, handed_back=True)
        return changed

    def _each_held(
        self, conn: Connection, world: World, staff_id: str, now: datetime, apply: Callable[[Ticket], Outcome]
    ) -> int:
        found = store.open_tickets_locked(conn, holder_id=staff_id)
        return _apply_each(conn, world, found, apply, now)

    def _returning(self, conn: Connection, world: World, staff_id: str, now: datetime) -> int:
        posts = [p.id for p in world.org.holds(staff_id) if p.holder_a == staff_id]
        if not posts:
            return 0
        found = store.open_tickets_locked(conn, post_ids=posts)
        return _apply_each(conn, world, found, lambda t: rules.hand_back(world, t, staff_id, now), now)

    # --- the registry --------------------------------------------------------

    def save_registry(self, conn: Connection, data: OrgData, now: datetime) -> ImportSummary:
        """Save the registry in the caller's transaction; open tickets follow their post's new holders.

        Who should now hold each ticket of a post whose A or B holder changed is
        ``rules.rehome``'s decision; the hand-overs are written in the same
        transaction as the new holders, so no ticket stays with someone who no
        longer holds its post.
        """
        _aware(now)
        before = load_org(conn).organisation.posts
        summary = save_org(conn, data)
        changed = holders_changed(before, data.organisation.posts)
        if not changed:
            return summary
        world = self.worlds.uncached(conn)
        found = store.open_tickets_locked(conn, post_ids=list(changed))
        moved = _apply_each(conn, world, found, lambda t: rules.rehome(world, t, changed[t.post_id], now), now)
        return replace(summary, rehomed=moved)

    # --- the sweep -----------------------------------------------------------

    def sweep(self, now: datetime, batch_size: int = 500) -> SweepReport:
        """Fire every deadline due by ``now``, each exactly once, batch by batch."""
        _aware(now)
        report = SweepReport()
        with self.engine.begin() as conn:
            report.handovers += self._apply_absences(conn, now)
        while self._sweep_batch(now, batch_size, report):
            pass
        return report

    def _sweep_batch(self, now: datetime, batch_size: int, report: SweepReport) -> bool:
        with self.engine.begin() as conn:
            claimed = store.claim_due(conn, now, batch_size)
            if not claimed:
                return False
            world = self.worlds.world(conn)
            found = store.get_many(conn, [row.ticket_id for row in claimed], for_update=True)
            read = store.snapshot(conn, found.values())
            store.mark_fired(conn, [row.id for row in claimed], now)
            changed, noted = [], []
            for row in claimed:
                ticket = found[row.ticket_id]
                timer = store.to_timer(row)
                outcome = supervision.fire(world, ticket, timer, now)
                report.count(ticket, timer, outcome)
                if outcome is not None and outcome.deadline_changed:
                    _plan(world, ticket, outcome, now)
                    changed.append((ticket, outcome))
                elif timer.kind is TimerKind.REMINDER:  # whether it reminded or came too late, the next timer follows
                    outcome = outcome or Outcome()
                    outcome.timers = supervision.next_timer(world, ticket, now)
                    noted.append((ticket, outcome))
            store.save_many(conn, changed, read)
            store.record_effects(conn, noted, now)
        return True


def _plan(world: World, ticket: Ticket, outcome: Outcome, now: datetime) -> None:
    """Replace the ticket's pending timer with the first its new state implies, when its deadline changed."""
    if outcome.deadline_changed:
        outcome.timers = supervision.next_timer(world, ticket, now)


def _apply_each(
    conn: Connection, world: World, found: list[Ticket], apply: Callable[[Ticket], Outcome], now: datetime
) -> int:
    changed = []
    for ticket in found:
        outcome = apply(ticket)
        if outcome.entries:
            _plan(world, ticket, outcome, now)
            changed.append((ticket, outcome))
    store.save_many(conn, changed)
    return len(changed)


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


def _cover_absence(world: World, absence: Absence, now: datetime, ticket: Ticket) -> Outcome:
    return rules.cover_absence(world, ticket, absence.staff_id, absence.reason, now)
