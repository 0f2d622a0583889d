"""双报到 and volunteer service: registrations, teams, the service list, claims, record cards, help with tickets.

Each use case is one transaction.  ``actor_id`` is the staff member acting (checked against
``domain.volunteering.access``); None is the operator at the command line.  Registrants act through their own
link: its secret is shown once, only its hash is kept.  A need made from a ticket writes each step to the
ticket's history in the same transaction; ``after_ticket_change`` records the help on the helpers' cards when
the ticket is resolved, inside the ticket action's own transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import TypeVar

from sqlalchemy import Connection, Engine

from ticketing.db import tickets as ticket_store
from ticketing.db import volunteering as store
from ticketing.domain.audit import AuditAction, AuditEvent
from ticketing.domain.errors import InvalidInput, Named, NameKind, NotAllowed
from ticketing.domain.field_rules import MAX_REASON
from ticketing.domain.rules import World
from ticketing.domain.ticket import HistoryAction, Outcome, Ticket
from ticketing.domain.volunteering import access, records, registration, service_list, teams, ticket_help
from ticketing.domain.volunteering.fields import field, text
from ticketing.domain.volunteering.model import (
    Claim,
    Claimant,
    ClaimantKind,
    ClaimStatus,
    Item,
    ItemStatus,
    Registrant,
    RegistrationStatus,
    ServiceEntry,
)
from ticketing.domain.volunteering.registration import Application
from ticketing.domain.volunteering.service_list import Draft
from ticketing.organisation.registry_view import WorldSource
from ticketing.services.changes import require_aware
from ticketing.services.unit_of_work import Work, unit_of_work


@dataclass(frozen=True, slots=True)
class Registered:
    """A new registration and the secret of its holder's own link (shown once)."""

    id: int
    link: str


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import added, and the rows it skipped: phones already registered (pending or approved)."""

    added: int
    skipped: int


def new_link() -> tuple[str, str]:
    """A registrant's link secret and the hash kept of it."""
    secret = secrets.token_urlsafe(24)
    return secret, ticket_store.token_hash(secret)


LIVE = (RegistrationStatus.PENDING, RegistrationStatus.APPROVED)
E = TypeVar("E", RegistrationStatus, ItemStatus)


class Volunteering:
    """The 双报到 and volunteer service use cases over one database."""

    def __init__(self, engine: Engine, worlds: WorldSource) -> None:
        self.engine = engine
        self.worlds = worlds

    def today(self, now: datetime) -> date:
        """The district's calendar day at ``now``."""
        return now.astimezone(self.worlds.tz).date()

    # --- registration (双报到)

    def register(self, application: Application, now: datetime) -> Registered:
        """A public registration: pending until a manager of the community approves it; its link comes back."""
        require_aware(now)
        secret, hashed = new_link()
        with unit_of_work(self.engine) as work:
            checked = registration.check(self.worlds.world(work.conn).org, application)
            registration.refuse_duplicate(checked, store.with_phone(work.conn, checked.community_id, [checked.phone]))
            pending = RegistrationStatus.PENDING
            return Registered(store.add_registrant(work.conn, checked, pending, "form", now, hashed), secret)

    def import_registrants(
        self, community_id: str, applications: Sequence[Application], actor_id: str | None, now: datetime
    ) -> Imported:
        """An admin import (CSV/XLSX rows): approved at once; phones already registered are skipped, not doubled.

        A row that does not pass refuses the whole file, naming its row (the header is row 1).
        """
        require_aware(now)
        with unit_of_work(self.engine) as work:
            org = self.worlds.world(work.conn).org
            access.require_manager(org, actor_id, community_id)
            checked = []
            for row, application in enumerate(applications, start=2):
                if application.community_id != community_id:
                    application = replace(application, community_id=community_id)
                try:
                    checked.append(registration.check(org, application))
                except InvalidInput as error:
                    raise InvalidInput("row %(row)d: %(problem)s", row=row, problem=error) from error
            phones = (application.phone for application in checked)
            seen = {(r.kind, r.phone) for r in store.with_phone(work.conn, community_id, phones) if r.status in LIVE}
            added = 0
            for application in checked:
                key = (application.kind, application.phone)
                if key in seen:
                    continue
                seen.add(key)
                store.add_registrant(work.conn, application, RegistrationStatus.APPROVED, "import", now, None, actor_id)
                added += 1
            detail: dict[str, str | int | list[str]] = {"added": added, "skipped": len(checked) - added}
            work.audit(AuditEvent(now, actor_id, AuditAction.REGISTRANTS_IMPORTED, community_id, detail))
            return Imported(added, len(checked) - added)

    def decide(
        self, registrant_id: int, to: RegistrationStatus | str, actor_id: str | None, now: datetime
    ) -> Registrant:
        """Approve or reject a registration, or record that an approved one left."""
        require_aware(now)
        status = _choice(RegistrationStatus, to, "status")
        with unit_of_work(self.engine) as work:
            found = store.registrant(work.conn, registrant_id, lock=True)
            access.require_manager(self.worlds.world(work.conn).org, actor_id, found.community_id)
            registration.decide(found, status)
            store.set_status(work.conn, registrant_id, status, actor_id, now)
            detail: dict[str, str | int | list[str]] = {"from": found.status.value, "to": status.value}
            work.audit(AuditEvent(now, actor_id, AuditAction.REGISTRATION_DECIDED, f"registrant:{found.id}", detail))
            return replace(found, status=status)

    def issue_link(self, registrant_id: int, actor_id: str | None, now: datetime) -> str:
        """A new link for a registrant (imported, or who lost theirs); the old one stops working."""
        require_aware(now)
        secret, hashed = new_link()
        with unit_of_work(self.engine) as work:
            found = store.registrant(work.conn, registrant_id, lock=True)
            access.require_staff(self.worlds.world(work.conn).org, actor_id, found.community_id)
            store.set_link(work.conn, registrant_id, hashed)
            work.audit(AuditEvent(now, actor_id, AuditAction.VOLUNTEER_LINK_ISSUED, f"registrant:{found.id}"))
            return secret

    def by_link(self, link: str) -> Registrant:
        """The registration behind a registrant's own link."""
        with self.engine.connect() as conn:
            return store.registrant_by_link(conn, ticket_store.token_hash(link))

    # --- volunteer teams (志愿服务队)

    def create_team(
        self,
        community_id: str,
        name: str,
        brand: str,
        member_ids: Sequence[int],
        leader_id: int | None,
        actor_id: str | None,
        now: datetime,
    ) -> int:
        require_aware(now)
        with unit_of_work(self.engine) as work:
            access.require_manager(self.worlds.world(work.conn).org, actor_id, community_id)
            members = [store.registrant(work.conn, member) for member in dict.fromkeys(member_ids)]
            tidy_name, tidy_brand = teams.check_team(community_id, name, brand, leader_id, members)
            team_id = store.add_team(work.conn, community_id, tidy_name, tidy_brand, now)
            store.set_team(work.conn, team_id, tidy_name, tidy_brand, leader_id, member_ids)
            return team_id

    def change_team(
        self,
        team_id: int,
        name: str,
        brand: str,
        member_ids: Sequence[int],
        leader_id: int | None,
        actor_id: str | None,
    ) -> None:
        with unit_of_work(self.engine) as work:
            found = store.team(work.conn, team_id, lock=True)
            access.require_manager(self.worlds.world(work.conn).org, actor_id, found.community_id)
            teams.refuse_disbanded(found)
            members = [store.registrant(work.conn, member) for member in dict.fromkeys(member_ids)]
            tidy_name, tidy_brand = teams.check_team(found.community_id, name, brand, leader_id, members)
            store.set_team(work.conn, team_id, tidy_name, tidy_brand, leader_id, member_ids)

    def disband_team(self, team_id: int, actor_id: str | None, now: datetime) -> None:
        require_aware(now)
        with unit_of_work(self.engine) as work:
            found = store.team(work.conn, team_id, lock=True)
            access.require_manager(self.worlds.world(work.conn).org, actor_id, found.community_id)
            teams.refuse_disbanded(found)
            store.disband(work.conn, team_id, now)

    # --- the service list (服务清单)

    def publish(self, community_id: str, draft: Draft, actor_id: str | None, now: datetime) -> int:
        """Publish an item of the community's service list; it is open for claims at once."""
        require_aware(now)
        with unit_of_work(self.engine) as work:
            org = self.worlds.world(work.conn).org
            if community_id not in org.units:
                raise InvalidInput("community: %(community)r is no community of the district", community=community_id)
            access.require_staff(org, actor_id, community_id)
            checked = service_list.check_item(draft, self.today(now))
            return store.add_item(work.conn, community_id, checked, actor_id, now)

    def end_item(self, item_id: int, to: ItemStatus | str, actor_id: str | None, now: datetime) -> Item:
        """Close an item (done: its confirmed claims are completed) or cancel it; unconfirmed claims lapse."""
        require_aware(now)
        status = _choice(ItemStatus, to, "status")
        with unit_of_work(self.engine) as work:
            found = store.item(work.conn, item_id, lock=True)
            world = self.worlds.world(work.conn)
            access.require_staff(world.org, actor_id, found.community_id)
            service_list.end_item(found, status)
            self._end(work, world, found, status, actor_id, now)
            return replace(found, status=status)

    def _end(
        self, work: Work, world: World, item: Item, status: ItemStatus, actor_id: str | None, now: datetime
    ) -> None:
        claims = store.claims_of(work.conn, item.id)
        changed = service_list.claims_after(status, claims)
        store.end_item(work.conn, item.id, status, now)
        store.set_claims(work.conn, changed, actor_id, now)
        if item.ticket_id is not None and status is ItemStatus.CANCELLED:
            ticket = ticket_store.get(work.conn, item.ticket_id)
            _note(work.conn, ticket, ticket_help.need_cancelled(ticket, item, actor_id, now), now)

    def claim_by_link(self, link: str, item_id: int, now: datetime, team_id: int | None = None, people: int = 1) -> int:
        """A member or unit claims an item through their own link; a team's leader may claim for the team."""
        require_aware(now)
        with unit_of_work(self.engine) as work:
            me = store.registrant_by_link(work.conn, ticket_store.token_hash(link), lock=True)
            if team_id is None:
                return self._claim(work, item_id, Claimant(ClaimantKind(me.kind.value), me.id), people, None, now)
            found = store.team(work.conn, team_id)
            if found.leader_id != me.id:
                raise NotAllowed("only the leader of team %(name)s may claim for it", name=found.name)
            return self._claim(work, item_id, Claimant(ClaimantKind.TEAM, team_id), people, None, now)

    def claim_for(self, actor_id: str | None, item_id: int, claimant: Claimant, people: int, now: datetime) -> int:
        """Staff enter a claim a member, unit or team made by phone or in person."""
        require_aware(now)
        with unit_of_work(self.engine) as work:
            found = store.item(work.conn, item_id)
            access.require_staff(self.worlds.world(work.conn).org, actor_id, found.community_id)
            return self._claim(work, item_id, claimant, people, actor_id, now)

    def _claim(
        self, work: Work, item_id: int, claimant: Claimant, people: int, entered_by: str | None, now: datetime
    ) -> int:
        found = store.item(work.conn, item_id, lock=True)  # claims of one item one after another: places hold
        registrant, team = None, None
        if claimant.kind is ClaimantKind.TEAM:
            team = store.team(work.conn, claimant.id)
        else:
            registrant = store.registrant(work.conn, claimant.id)
        claims = store.claims_of(work.conn, item_id)
        taken = service_list.check_claim(found, claimant, people, claims, self.today(now), registrant, team)
        claim_id = store.add_claim(work.conn, item_id, claimant, taken, now, entered_by)
        if found.ticket_id is not None:
            made = Claim(claim_id, item_id, claimant, taken, ClaimStatus.PENDING, now)
            ticket = ticket_store.get(work.conn, found.ticket_id)
            helper = store.claimant_name(work.conn, claimant)
            _note(work.conn, ticket, ticket_help.claimed(ticket, made, helper, entered_by, now), now)
        return claim_id

    def confirm(self, claim_id: int, actor_id: str | None, now: datetime) -> Claim:
        """The community accepts a claim: the claimant serves."""
        require_aware(now)
        return self._move_claim(claim_id, actor_id, now, lambda c, item: service_list.confirm(c, item))

    def decline(self, claim_id: int, actor_id: str | None, reason: str, now: datetime) -> Claim:
        """The community turns a claim down, saying why."""
        require_aware(now)
        said = text("reason", reason, MAX_REASON, required=False)
        return self._move_claim(claim_id, actor_id, now, lambda c, item: service_list.decline(c), said)

    def withdraw_by_link(self, link: str, claim_id: int, now: datetime) -> Claim:
        """The claimant gives up their claim (their own, or their team's as its leader)."""
        require_aware(now)
        with unit_of_work(self.engine) as work:
            me = store.registrant_by_link(work.conn, ticket_store.token_hash(link))
            found = store.claim(work.conn, claim_id, lock=True)
            mine = found.claimant.registrant_id == me.id or (
                found.claimant.team_id is not None and store.team(work.conn, found.claimant.id).leader_id == me.id
            )
            if not mine:
                raise NotAllowed("claim %(id)s is not yours: you may withdraw only your own claims", id=claim_id)
            status = service_list.withdraw(found, store.served(work.conn, claim_id))
            return self._claim_moved(work, found, status, None, now)

    def _move_claim(
        self,
        claim_id: int,
        actor_id: str | None,
        now: datetime,
        move: Callable[[Claim, Item], ClaimStatus],
        reason: str = "",
    ) -> Claim:
        with unit_of_work(self.engine) as work:
            found = store.claim(work.conn, claim_id, lock=True)
            item = store.item(work.conn, found.item_id, lock=True)
            access.require_staff(self.worlds.world(work.conn).org, actor_id, item.community_id)
            status = move(found, item)
            return self._claim_moved(work, found, status, actor_id, now, reason)

    def _claim_moved(
        self, work: Work, found: Claim, status: ClaimStatus, actor_id: str | None, now: datetime, reason: str = ""
    ) -> Claim:
        store.set_claims(work.conn, {found.id: status}, actor_id, now, reason)
        item = store.item(work.conn, found.item_id)
        if item.ticket_id is not None:
            ticket = ticket_store.get(work.conn, item.ticket_id)
            helper = store.claimant_name(work.conn, found.claimant)
            _note(work.conn, ticket, ticket_help.claim_moved(ticket, found, status, helper, actor_id, now), now)
        return replace(found, status=status)

    # --- record cards (服务记录卡)

    def record_service(
        self,
        actor_id: str | None,
        claimant: Claimant,
        served_on: date,
        hours: float,
        what: str,
        now: datetime,
        claim_id: int | None = None,
        people: int = 1,
    ) -> None:
        """Put a piece of service on a record card: on a confirmed claim, or directly (a joint activity)."""
        require_aware(now)
        with unit_of_work(self.engine) as work:
            found = store.claim(work.conn, claim_id, lock=True) if claim_id is not None else None
            if found is not None and found.claimant != claimant:
                raise InvalidInput("claim %(id)s is someone else's: record it on its own claimant", id=claim_id)
            community, item_id = self._card_community(work.conn, claimant, found)
            access.require_staff(self.worlds.world(work.conn).org, actor_id, community)
            entry = ServiceEntry(claimant, community, served_on, hours, what, actor_id, claim_id, item_id, None, people)
            store.add_records(work.conn, [records.check_entry(entry, self.today(now), found)], now)

    def _card_community(self, conn: Connection, claimant: Claimant, claim: Claim | None) -> tuple[str, int | None]:
        if claim is not None:
            return store.item(conn, claim.item_id).community_id, claim.item_id
        if claimant.kind is ClaimantKind.TEAM:
            return store.team(conn, claimant.id).community_id, None
        found = store.registrant(conn, claimant.id)
        if found.status is not RegistrationStatus.APPROVED:
            raise NotAllowed("service is recorded for approved registrations only; approve it first")
        if found.kind.value != claimant.kind.value:
            raise InvalidInput(
                "registration %(id)s is of another kind: a unit claims as a unit, a member as a member", id=found.id
            )
        return found.community_id, None

    # --- volunteer help with a ticket

    def ask_help(self, ticket_key: str, actor_id: str | None, draft: Draft, now: datetime) -> int:
        """A need on the ticket's community's service list, linked to the ticket; its history says so."""
        require_aware(now)
        with unit_of_work(self.engine) as work:
            world = self.worlds.world(work.conn)
            ticket = ticket_store.get(work.conn, ticket_key, for_update=True)
            is_open = not world.spec(ticket).state(ticket.state).final
            needs = store.needs_of_ticket(work.conn, ticket.id, lock=True)
            checked = ticket_help.check_ask(world.org, ticket, actor_id, is_open, draft, needs, self.today(now))
            assert ticket.community_id is not None
            item_id = store.add_item(work.conn, ticket.community_id, checked, actor_id, now, ticket.id)
            _save(work.conn, ticket, ticket_help.asked(ticket, actor_id, item_id, now))
            return item_id


def after_ticket_change(
    conn: Connection, world: World, ticket: Ticket, outcome: Outcome, actor_id: str | None, now: datetime, tz: tzinfo
) -> None:
    """In a ticket action's transaction: resolved, its need's confirmed help goes on the cards; ended, cancelled.

    Only an action that resolves or ends a ticket reads the service list, so other actions cost nothing here.
    """
    resolved = any(entry.action is HistoryAction.RESOLVE for entry in outcome.entries)
    final = world.spec(ticket).state(ticket.state).final
    if not resolved and not final:
        return
    for item in store.needs_of_ticket(conn, ticket.id, lock=True):
        claims = store.claims_of(conn, item.id)
        status = ItemStatus.CLOSED if resolved else ItemStatus.CANCELLED
        store.end_item(conn, item.id, status, now)
        store.set_claims(conn, service_list.claims_after(status, claims), actor_id, now)
        if resolved:
            today = now.astimezone(tz).date()
            entries = ticket_help.entries_at_resolution(ticket, item, claims, actor_id, today)
            store.add_records(conn, entries, now)
            outcome.entries.extend(ticket_help.recorded(ticket, item, entries, actor_id, now).entries)
        else:
            outcome.entries.extend(ticket_help.need_cancelled(ticket, item, actor_id, now).entries)


def _save(conn: Connection, ticket: Ticket, outcome: Outcome) -> None:
    """A staff action on the ticket itself (asking for help): a history line and a new version; nothing else about
    the ticket changes (its post, holder, first responder, deadlines)."""
    ticket.updated_at = outcome.entries[-1].at
    ticket_store.save(conn, ticket, ticket.version, outcome)


def _note(conn: Connection, ticket: Ticket, outcome: Outcome, now: datetime) -> None:
    """What happened on the ticket's need (a claim, its confirmation or end): history lines and notices only.

    The ticket keeps its version, so its holder, reading the page meanwhile, acts on it without a conflict.
    """
    ticket_store.record_effects(conn, [(ticket, outcome)], now)


def _choice(kind: type[E], value: E | str, code: str) -> E:
    names = {RegistrationStatus: NameKind.REGISTRATION, ItemStatus: NameKind.ITEM}
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(
            "%(field)s: %(value)r is not one of %(allowed)s",
            field=field(code),
            value=value,
            allowed=Named(names[kind], tuple(member.value for member in kind)),
        ) from None
