"""What a resident (no account) sees: where a request can be about, and their own ticket's status.

The status is built from the ticket, its history and its photos (``ix_history_ticket``,
``ix_attachments_ticket_id``), and only says what a resident may read: the
timeline keeps resident-facing steps (never internal notes, absences or
staff names and phones), and who is responsible is a post and a unit, not a person.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from ticketing.db import tickets as store
from ticketing.db.queries import resident as queries
from ticketing.domain.errors import NotFound
from ticketing.domain.org import PLACE_KINDS, Organisation, PostKind, Unit, UnitKind
from ticketing.domain.ticket import HistoryAction, HistoryEntry, Ticket, TicketDetail
from ticketing.domain.workflow import Action, Category, State, WorkflowSpec
from ticketing.read.source import Source, current_organisation
from ticketing.workflow.files import Catalogue

# History actions a resident is shown; anything else (notes, absences, callback reminders) stays internal.
SHOWN = frozenset(
    {
        HistoryAction.OPEN,
        HistoryAction.ACKNOWLEDGE,
        HistoryAction.TRANSFER,
        HistoryAction.ESCALATE,
        HistoryAction.HANDOVER,
        HistoryAction.OVERDUE,
        HistoryAction.PAUSE,
        HistoryAction.RESUME,
        HistoryAction.RESOLVE,
        HistoryAction.REFER,
        HistoryAction.CALLBACK,
        HistoryAction.RESIDENT_FEEDBACK,
        HistoryAction.EXTEND,
        HistoryAction.RETURN_TO_RESIDENT,
        HistoryAction.APPROVE_TERMINATION,  # 诉求终结, with the reason; a proposal alone stays internal
    }
)
TOLD_WHY = frozenset({HistoryAction.RETURN_TO_RESIDENT, HistoryAction.APPROVE_TERMINATION})
VERDICTS = frozenset({HistoryAction.CALLBACK, HistoryAction.RESIDENT_FEEDBACK})


@dataclass(frozen=True, slots=True)
class Area:
    """A community and the places in it a resident can pick."""

    community: Unit
    buildings: list[Unit]
    places: list[Unit]  # street segments, property service units and shops, outside compounds


def areas(source: Source) -> list[Area]:
    """Every community with its buildings and its street segments and shops, by id."""
    org = current_organisation(source)
    buildings: dict[str, list[Unit]] = {}
    places: dict[str, list[Unit]] = {}
    for unit in sorted(org.units.values(), key=lambda u: u.id):
        if unit.kind not in PLACE_KINDS:
            continue
        community = org.ancestor(unit.id, UnitKind.COMMUNITY)
        if community is not None:
            found = buildings if unit.kind is UnitKind.BUILDING else places
            found.setdefault(community.id, []).append(unit)
    communities = sorted((u for u in org.units.values() if u.kind is UnitKind.COMMUNITY), key=lambda u: u.id)
    return [Area(c, buildings.get(c.id, []), places.get(c.id, [])) for c in communities]


def category_groups(catalogue: Catalogue) -> list[tuple[WorkflowSpec, list[Category]]]:
    """Each category once, under the first workflow that lists it (the location picks the workflow)."""
    seen: set[str] = set()
    groups = []
    for spec in catalogue.workflows.values():
        fresh = [category for category in spec.categories if category.code not in seen]
        seen.update(category.code for category in fresh)
        if fresh:
            groups.append((spec, fresh))
    return groups


@dataclass(frozen=True, slots=True)
class Responsible:
    """A post as a resident sees it: its kind and its unit (楼长 · 阳光小区1号楼), never the person."""

    kind: PostKind
    unit_name: str


@dataclass(frozen=True, slots=True)
class Step:
    """One resident-facing line of the timeline.

    ``result`` says how a verdict (callback or online feedback) ended: ``closed``, ``reopened``,
    ``unreached`` or ``gave_up`` (closed after the last unreached call); empty for other steps.
    ``text`` is free text written for the resident (why the request was returned); otherwise empty.
    """

    at: datetime
    action: str
    state: State
    responsible: Responsible | None
    result: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class Photo:
    id: int
    file_name: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class ResidentStatus:
    """A resident's own ticket, as its status page shows it."""

    ticket: Ticket
    spec: WorkflowSpec
    state: State
    category: Category
    place: str
    responsible: Responsible | None
    timeline: list[Step]
    photos: list[Photo]
    awaiting_verdict: bool
    handled: str  # "resolve" or "refer": how the matter was last handled, once it is handled; else empty

    @property
    def phone(self) -> str:
        return masked_phone(self.ticket.contact_phone)

    def photo(self, photo_id: int) -> Photo:
        """One of this ticket's photos; another ticket's is not found."""
        for photo in self.photos:
            if photo.id == photo_id:
                return photo
        raise NotFound("no photo %(photo)s on this request", photo=photo_id)


def masked_phone(phone: str) -> str:
    """138****0000: enough for the resident to recognise their number, not enough to call it; empty if none."""
    digits = phone.strip()
    if not digits:
        return ""
    if len(digits) >= 8:
        return f"{digits[:3]}****{digits[-4:]}"
    return f"****{digits[-2:]}"


def by_token(source: Source, token: str) -> ResidentStatus:
    """The status behind a private link."""
    with source.engine.connect() as conn:
        return _status(source, conn, store.detail(conn, store.get_by_token(conn, token)))


def by_number(source: Source, number: str, tracked: Collection[str]) -> ResidentStatus:
    """The status of a ticket this browser has tracked (by number and phone ending); others are not found."""
    if number not in tracked:
        raise NotFound("no request matches: look it up with its tracking number and phone ending first")
    with source.engine.connect() as conn:
        return _status(source, conn, store.detail(conn, store.get(conn, number)))


def _status(source: Source, conn: Connection, detail: TicketDetail) -> ResidentStatus:
    """The status page of ``detail``, its photos and the registry read on the same connection."""
    ticket = detail.ticket
    org = source.worlds.organisation(conn)
    photos = [Photo(row.id, row.file_name, row.content_type, row.size) for row in queries.photos(conn, ticket.id)]
    catalogue = source.worlds.catalogue
    spec = catalogue.workflows[ticket.workflow]
    state = spec.state(ticket.state)
    awaiting = Action.CALLBACK in catalogue.machines[ticket.workflow].allowed(ticket.state)
    handled = next((e.action for e in reversed(detail.history) if e.action in ("resolve", "refer")), "")
    unit = org.units.get(ticket.location_id or "")
    place = " · ".join(part for part in (unit.name if unit else "", ticket.address) if part)
    return ResidentStatus(
        ticket=ticket,
        spec=spec,
        state=state,
        category=catalogue.category(ticket.category),
        place=place,
        responsible=None if state.final else _responsible(org, ticket.post_id),
        timeline=[_step(org, spec, entry) for entry in detail.history if entry.action in SHOWN],
        photos=photos,
        awaiting_verdict=awaiting,
        handled=handled if awaiting or state.final else "",
    )


def _responsible(org: Organisation, post_id: str) -> Responsible | None:
    post = org.posts.get(post_id)
    unit = org.units.get(post.unit_id) if post else None
    return Responsible(post.kind, unit.name) if post and unit else None


def _step(org: Organisation, spec: WorkflowSpec, entry: HistoryEntry) -> Step:
    state = spec.state(entry.to_state)
    result = _result(spec, entry) if entry.action in VERDICTS else ""
    text = entry.reason if entry.action in TOLD_WHY else ""
    return Step(entry.at, entry.action, state, _responsible(org, entry.post_id), result, text)


def _result(spec: WorkflowSpec, entry: HistoryEntry) -> str:
    reached = entry.details.get("reached") != 0
    if spec.state(entry.to_state).final:
        return "closed" if reached else "gave_up"
    if entry.to_state == entry.from_state:
        return "unreached"
    return "reopened"
