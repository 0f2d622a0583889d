"""Intake: a request checked field by field, then opened at the first post of its chain for its place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ticketing.domain.coverage import on_duty_holder, placements, why_this_holder
from ticketing.domain.errors import InvalidInput, NotFound
from ticketing.domain.field_rules import (
    ADDRESS,
    DESCRIPTION,
    EMAIL,
    LATITUDE,
    LONGITUDE,
    NAME,
    PHONE,
    is_coordinate,
    is_mobile,
)
from ticketing.domain.org import Post, UnitKind
from ticketing.domain.rules.acting import become_first_responder, staff
from ticketing.domain.rules.escalation import place_holder
from ticketing.domain.rules.world import World
from ticketing.domain.ticket import STAFF_CHANNELS, Channel, HistoryAction, Outcome, ResidentChannel, Ticket
from ticketing.domain.workflow import WorkflowSpec


@dataclass(frozen=True, slots=True)
class Intake:
    """A request as the resident (or staff on their behalf) gives it.

    The phone is optional: a resident may leave only an e-mail address, or
    nothing (GeoReport v2 makes the phone optional; anonymous requests exist),
    and a patrol report (巡查发现) has no resident at all.  What the resident
    chose to be told by must reach them: SMS needs a phone, e-mail an address.
    """

    workflow: str
    category: str
    description: str
    channel: Channel
    contact_phone: str = ""
    location_id: str | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    contact_name: str = ""
    contact_email: str = ""
    notify_by: ResidentChannel = ResidentChannel.NONE

    def problems(self) -> list[str]:
        """Everything wrong with the request, field by field, by the rules of ``field_rules``."""
        found = []
        if not self.description.strip():
            found.append("description: say what the problem is")
        for name, text, rule in (
            ("description", self.description, DESCRIPTION),
            ("contact_phone", self.contact_phone, PHONE),
            ("contact_name", self.contact_name, NAME),
            ("address", self.address, ADDRESS),
        ):
            if (text or rule is not PHONE) and (problem := rule.problem(text)) is not None:
                found.append(f"{name}: {problem}")
        if (self.lat is None) != (self.lon is None):
            found.append("lat/lon: give both coordinates or neither")
        elif self.lat is not None and self.lon is not None and not self._on_earth(self.lat, self.lon):
            found.append(f"lat/lon: WGS84 coordinates, within ±{LATITUDE:g} and ±{LONGITUDE:g}")
        if self.contact_email and (problem := EMAIL.problem(self.contact_email)) is not None:
            found.append(f"contact_email: {problem}")
        if self.notify_by is ResidentChannel.EMAIL and not self.contact_email:
            found.append("notify_by: e-mail was chosen, so give an e-mail address (contact_email)")
        if self.notify_by is ResidentChannel.SMS and not self.contact_phone:
            found.append("notify_by: SMS was chosen, so give a phone number (contact_phone)")
        elif self.notify_by is ResidentChannel.SMS and PHONE.fits(phone := self.contact_phone) and not is_mobile(phone):
            found.append(
                "contact_phone: SMS was chosen, so give a mainland mobile number (11 digits, 13… to 19…);"
                " a landline can only be called back"
            )
        if self.channel is Channel.PATROL:
            found.extend(self._patrol_problems())
        return found

    def _patrol_problems(self) -> list[str]:
        """A patrol report has no resident: nobody to contact or to tell (a resident met on the way is 代办)."""
        given = [name for name in ("contact_phone", "contact_name", "contact_email") if getattr(self, name)]
        found = [
            f"{name}: a patrol report has no resident; register it as on_behalf to keep a resident's contact"
            for name in given
        ]
        if self.notify_by is not ResidentChannel.NONE:
            found.append("notify_by: a patrol report has no resident to tell; choose none")
        return found

    @staticmethod
    def _on_earth(lat: float, lon: float) -> bool:
        return is_coordinate(lat, LATITUDE) and is_coordinate(lon, LONGITUDE)


def usual_notice(channel: Channel, phone: str, email: str) -> ResidentChannel:
    """How the resident is told when they did not say: by SMS to a mobile, else by e-mail, else not (a landline
    is only called back).

    A patrol report has no resident to tell.
    """
    if channel is Channel.PATROL:
        return ResidentChannel.NONE
    if is_mobile(phone):
        return ResidentChannel.SMS
    return ResidentChannel.EMAIL if email else ResidentChannel.NONE


UNNUMBERED = 0  # the id of a ticket opened but not yet numbered (``number_ticket``)


def number_ticket(ticket: Ticket, ticket_id: int) -> None:
    """Give an opened ticket its id and tracking number: ``yymmdd-NNNNNN``, the district's day of opening."""
    ticket.id = ticket_id
    ticket.number = f"{ticket.opened_on:%y%m%d}-{ticket_id:06d}"


def open_ticket(
    world: World, intake: Intake, ticket_id: int, number: str, now: datetime, registrar_id: str | None = None
) -> tuple[Ticket, Outcome]:
    """Open a ticket at the first tier that has a post for its location (else the intake post)."""
    if problems := intake.problems():
        listed = "; ".join(problems)  # English only: the web forms check the same fields before they get here
        raise InvalidInput(listed)
    if (intake.channel in STAFF_CHANNELS) != (registrar_id is not None):
        raise InvalidInput(
            "phone, walk-in, patrol and on-behalf requests are registered by a staff member; web and API ones are not"
        )
    if registrar_id is not None:
        staff(world, registrar_id)
    spec = world.workflows.get(intake.workflow)
    if spec is None:
        raise NotFound(
            "no workflow %(name)r; workflows: %(known)s", name=intake.workflow, known=", ".join(world.workflows)
        )
    if intake.category not in {category.code for category in spec.categories}:
        codes = ", ".join(category.code for category in spec.categories)
        raise InvalidInput(
            "category %(category)r is not served by workflow %(name)r (%(codes)s)",
            category=intake.category,
            name=spec.name,
            codes=codes,
        )
    place = _first_place(world, spec, intake.location_id)
    org = world.org
    area = intake.location_id or place.unit_id
    street, community, grid = (
        org.ancestor(area, kind) for kind in (UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID)
    )
    ticket = Ticket(
        id=ticket_id,
        number=number,
        workflow=spec.name,
        category=intake.category,
        description=intake.description.strip(),
        channel=intake.channel,
        location_id=intake.location_id,
        state=spec.initial,
        tier=place.tier,
        post_id=place.post.id,
        created_at=now,
        updated_at=now,
        opened_on=now.astimezone(world.calendar_for(place.post.id).tz).date(),
        address=intake.address,
        lat=intake.lat,
        lon=intake.lon,
        contact_name=intake.contact_name,
        contact_phone=intake.contact_phone,
        contact_email=intake.contact_email,
        notify_by=intake.notify_by,
        street_id=street.id if street else None,
        community_id=community.id if community else None,
        grid_id=grid.id if grid else None,
    )
    outcome = Outcome(deadline_changed=True)
    if registrar_id is not None:
        become_first_responder(world, ticket, registrar_id)
    ticket.holder_id = on_duty_holder(place.post, now, world.absent)
    cover = why_this_holder(place.post, ticket.holder_id)
    details = {"channel": intake.channel.value, "registrar": registrar_id} | cover
    outcome.record(ticket, now, registrar_id, HistoryAction.OPEN, None, details=details)
    place_holder(world, ticket, now, outcome, prefer=None)
    return ticket, outcome


@dataclass(frozen=True, slots=True)
class _Place:
    tier: int
    post: Post
    unit_id: str


def _first_place(world: World, spec: WorkflowSpec, location_id: str | None) -> _Place:
    kinds = [tier.post_kind for tier in spec.chain]
    if location_id is not None:
        if location_id not in world.org.units:
            raise NotFound("unknown location %(location)r", location=location_id)
        found = placements(world.org, kinds, location_id)
        if found:
            return _Place(found[0].tier, found[0].post, location_id)
    intake = world.org.intake_post(location_id)
    if intake is None:
        raise NotFound("no intake post (社区服务中心受理岗) is configured for this location or the district")
    return _Place(0, intake, intake.unit_id)
