"""Use cases: one method per thing a user does, each one transaction.

Callers pass plain values and ``now``; the rules live in ``ticketing.domain``.
A failed rule raises before anything is written, and a failed write rolls the
whole transaction back, so nothing is ever half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from ticketing.db import tickets as store
from ticketing.db.meta import versions
from ticketing.domain import choices, rules
from ticketing.domain.errors import Conflict, InvalidInput, NotFound, TicketingError
from ticketing.domain.field_rules import tidy_phone
from ticketing.domain.guards import Satisfaction
from ticketing.domain.locate import locate
from ticketing.domain.org import UnitKind
from ticketing.domain.rules import Intake, World
from ticketing.domain.ticket import Channel, Outcome, ResidentChannel, Ticket, TicketDetail
from ticketing.domain.workflow import Duration
from ticketing.organisation.registry_view import VERSION_KEYS, WorldSource
from ticketing.services import volunteering
from ticketing.services.absences import Absences
from ticketing.services.changes import plan_timers, require_aware
from ticketing.services.holidays import HolidayOverrides
from ticketing.services.sweep import Sweep
from ticketing.services.unit_of_work import unit_of_work


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
    return Duration.parse(_text(params, "by"))


ACTIONS: dict[str, Act] = {
    "acknowledge": lambda w, t, a, now, p: rules.acknowledge(w, t, a, now),
    "note": lambda w, t, a, now, p: rules.note(w, t, a, _text(p, "text"), now),
    "supervise": lambda w, t, a, now, p: rules.supervise(w, t, a, _text(p, "text"), now),
    "transfer": lambda w, t, a, now, p: rules.transfer(w, t, a, p.get("target_post"), _text(p, "reason"), now),
    "pause": lambda w, t, a, now, p: rules.pause(w, t, a, _text(p, "reason"), now),
    "resume": lambda w, t, a, now, p: rules.resume(w, t, a, now),
    "resolve": lambda w, t, a, now, p: rules.resolve(w, t, a, _text(p, "resolution"), now),
    "refer": lambda w, t, a, now, p: rules.refer(w, t, a, _text(p, "body"), _text(p, "reason"), now),
    "callback": lambda w, t, a, now, p: rules.callback(
        w,
        t,
        a,
        bool(p.get("reached", True)),
        _satisfaction(p),
        _text(p, "comment"),
        now,
        solved=choices.solved_of(p.get("solved")),
        means=choices.callback_means_of(p.get("means")),
    ),
    "extend": lambda w, t, a, now, p: rules.extend(w, t, a, _duration(p), _text(p, "reason"), now),
    "return_to_resident": lambda w, t, a, now, p: rules.return_to_resident(w, t, a, _text(p, "reason"), now),
    "propose_termination": lambda w, t, a, now, p: rules.propose_termination(w, t, a, _text(p, "reason"), now),
    "approve_termination": lambda w, t, a, now, p: rules.approve_termination(w, t, a, now),
    "reject_termination": lambda w, t, a, now, p: rules.reject_termination(w, t, a, _text(p, "reason"), now),
    "close": lambda w, t, a, now, p: rules.close(w, t, a, now),
    "invite": lambda w, t, a, now, p: rules.invite(w, t, a, p.get("post"), _text(p, "reason"), now),
    "release": lambda w, t, a, now, p: rules.release(w, t, a, p.get("post"), now),
    "mediate": lambda w, t, a, now, p: rules.mediate(w, t, a, p.get("outcome"), _text(p, "agreement"), now),
}


class Ticketing:
    """The application over one database: the ticket use cases, with the absences and the sweep beside them."""

    def __init__(self, engine: Engine, worlds: WorldSource) -> None:
        self.engine = engine
        self.worlds = worlds
        self.absences = Absences(engine, worlds)
        self.holidays = HolidayOverrides(engine, worlds)
        self.sweep = Sweep(engine, worlds)
        self.volunteering = volunteering.Volunteering(engine, worlds)

    def open_ticket(
        self,
        *,
        category: str,
        description: str,
        now: datetime,
        contact_phone: str = "",
        channel: Channel = Channel.WEB,
        location_id: str | None = None,
        address: str = "",
        lat: float | None = None,
        lon: float | None = None,
        contact_name: str = "",
        contact_email: str = "",
        notify_by: ResidentChannel | str = ResidentChannel.NONE,
        resident_language: str = "zh_Hans",
        registrar_id: str | None = None,
        access_token: str | None = None,
        attachment: NewAttachment | None = None,
    ) -> Ticket:
        """Open a request; it routes to the first tier's post for its location.

        ``access_token`` is the secret of the resident's private link; only its hash is kept.
        ``attachment`` (a photo) is recorded in the same transaction.
        ``notify_by`` is how the resident hears of the resolution and the closing: sms, email or none.
        ``contact_phone`` may be empty: an e-mail only, an anonymous request, a patrol report.
        ``resident_language`` is the language the resident filed in (zh_Hans or en): their notices use it.
        """
        require_aware(now)
        intake = Intake(
            "",
            category,
            description,
            channel,
            tidy_phone(contact_phone),
            location_id,
            address,
            lat,
            lon,
            contact_name,
            contact_email.strip(),
            choices.resident_channel_of(notify_by),
        )
        language = choices.resident_language_of(resident_language)
        with unit_of_work(self.engine) as work:
            # The registry as last read, checked by the statement that takes the number (one round trip less);
            # routed again if it has moved, and checked at once when it refuses the request.
            world, seen = self.worlds.unchecked(work.conn)
            try:
                ticket, outcome = self._opened(world, intake, language, now, registrar_id)
            except TicketingError:
                checked = versions(work.conn, VERSION_KEYS)
                if checked == seen:
                    raise
                world, seen = self.worlds.world_at(work.conn, checked), checked
                ticket, outcome = self._opened(world, intake, language, now, registrar_id)
            # The number last: the counter row stays locked by this transaction only for its writes and commit.
            ticket_id, current = store.next_ticket_id(work.conn, VERSION_KEYS)
            if current != seen:
                world = self.worlds.world_at(work.conn, current)
                ticket, outcome = self._opened(world, intake, language, now, registrar_id)
            rules.number_ticket(ticket, ticket_id)
            store.insert_ticket(work.conn, ticket, outcome, store.token_hash(access_token) if access_token else None)
            if attachment is not None:
                photo = attachment
                store.add_attachment(work.conn, ticket.id, photo.file_name, photo.content_type, photo.size, now)
            return ticket

    def _opened(
        self, world: World, intake: Intake, language: str, now: datetime, registrar_id: str | None
    ) -> tuple[Ticket, Outcome]:
        """The rules' ticket for ``intake`` in ``world``: located, given its workflow, routed, its timers planned."""
        where = locate(world.org, intake.location_id, intake.address, intake.lat, intake.lon)
        kind = world.org.units[where].kind if where else None
        spec = self.worlds.catalogue.for_category(intake.category, kind if kind is not UnitKind.COMMUNITY else None)
        located = replace(intake, workflow=spec.name, location_id=where)
        ticket, outcome = rules.open_ticket(world, located, rules.UNNUMBERED, "", now, registrar_id)
        ticket.resident_language = language
        plan_timers(world, ticket, outcome, now)
        return ticket, outcome

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
        require_aware(now)
        handler = ACTIONS.get(action)
        if handler is None:
            raise InvalidInput(
                "unknown action %(action)r; actions: %(actions)s", action=action, actions=", ".join(ACTIONS)
            )
        return self._change(
            key, expected_version, now, lambda world, ticket: handler(world, ticket, actor_id, now, params), actor_id
        )

    def resident_feedback(
        self,
        key: str,
        satisfaction: Satisfaction | str | None,
        comment: str,
        now: datetime,
        expected_version: int,
        solved: bool | str | None = None,
    ) -> Ticket:
        """The resident confirms and rates the result through their link (the link means of the callback)."""
        require_aware(now)
        verdict = choices.satisfaction_of(satisfaction)
        answer = choices.solved_of(solved)
        rules.refuse_control("comment", comment)
        return self._change(
            key,
            expected_version,
            now,
            lambda world, ticket: rules.resident_feedback(world, ticket, verdict, comment, now, solved=answer),
        )

    def _change(
        self,
        key: str,
        expected_version: int | None,
        now: datetime,
        apply: Callable[[World, Ticket], Outcome],
        actor_id: str | None = None,
    ) -> Ticket:
        """Apply one rule to a ticket in one transaction; a stale ``expected_version`` is a conflict.

        When it resolves or ends the ticket, a need for volunteer help made from it closes in the same transaction.
        """
        with unit_of_work(self.engine) as work:
            world = self.worlds.world(work.conn)
            ticket = store.get(work.conn, key)
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
            plan_timers(world, ticket, outcome, now)
            volunteering.after_ticket_change(work.conn, world, ticket, outcome, actor_id, now, self.worlds.tz)
            store.save(work.conn, ticket, read_version, outcome)
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
