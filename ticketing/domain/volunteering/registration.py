"""双报到: units and in-service party members register with a community, which approves them.

A registration names its community (a community of the registry), a name and a phone the community can
reach; a unit also its contact person and what it can offer, a member their work unit, skills and the hours a
month they can give.  Each registration waits for a manager of the community to approve or reject it; an
approved one may later leave.  A phone registers once per community and kind: a second registration with it
is refused while the first is pending or approved, so a double click or an import run twice adds nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ticketing.domain.errors import Conflict, InvalidInput, Named, NameKind, NotAllowed
from ticketing.domain.field_rules import PHONE, tidy_phone
from ticketing.domain.org import Organisation, UnitKind
from ticketing.domain.volunteering.fields import text
from ticketing.domain.volunteering.model import Registrant, RegistrantKind, RegistrationStatus

MAX_NAME = 100
MAX_WORK_UNIT = 200
MAX_SKILLS = 500
MAX_HOURS_PER_MONTH = 200
"""More than this is no spare time: a typing slip."""

MOVES: dict[RegistrationStatus, frozenset[RegistrationStatus]] = {
    RegistrationStatus.PENDING: frozenset({RegistrationStatus.APPROVED, RegistrationStatus.REJECTED}),
    RegistrationStatus.APPROVED: frozenset({RegistrationStatus.LEFT}),
    RegistrationStatus.REJECTED: frozenset({RegistrationStatus.APPROVED}),
    RegistrationStatus.LEFT: frozenset({RegistrationStatus.APPROVED}),
}
"""Where a registration may go from each status: a rejection or a leaving may be undone by approving."""


@dataclass(frozen=True, slots=True)
class Application:
    """What a registration form (or a row of an import) gives, checked by ``check``."""

    community_id: str
    kind: RegistrantKind
    name: str
    phone: str
    contact_name: str = ""
    work_unit: str = ""
    skills: str = ""
    offer: str = ""
    hours_per_month: int = 0


def check(org: Organisation, application: Application) -> Application:
    """The application tidied (text stripped, the phone as it is dialled), or InvalidInput naming the field."""
    community = org.units.get(application.community_id)
    if community is None or community.kind is not UnitKind.COMMUNITY:
        raise InvalidInput(
            "community: %(community)r is no community of the district; choose one from the list",
            community=application.community_id,
        )
    phone = tidy_phone(text("phone", application.phone, PHONE.max_length))
    if not PHONE.fits(phone):
        raise InvalidInput("phone: give a mobile (11 digits) or a landline with its area code (0633-1234567)")
    if not 0 <= application.hours_per_month <= MAX_HOURS_PER_MONTH:
        raise InvalidInput(
            "hours a month: give a whole number from 0 to %(max)d, got %(hours)d",
            max=MAX_HOURS_PER_MONTH,
            hours=application.hours_per_month,
        )
    unit = application.kind is RegistrantKind.UNIT
    return Application(
        community.id,
        application.kind,
        text("name", application.name, MAX_NAME),
        phone,
        contact_name=text("contact_name", application.contact_name, MAX_NAME, required=unit),
        work_unit=text("work_unit", application.work_unit, MAX_WORK_UNIT, required=not unit),
        skills=text("skills", application.skills, MAX_SKILLS, required=False),
        offer=text("offer", application.offer, MAX_SKILLS, required=unit),
        hours_per_month=application.hours_per_month,
    )


def refuse_duplicate(application: Application, existing: Iterable[Registrant]) -> None:
    """Refuse a phone already registered (pending or approved) as the same kind with the same community."""
    for other in existing:
        same = (other.community_id, other.kind, other.phone) == (
            application.community_id,
            application.kind,
            application.phone,
        )
        if same and other.status in (RegistrationStatus.PENDING, RegistrationStatus.APPROVED):
            raise Conflict(
                "this phone is already registered with the community (registration %(id)s, %(status)s); "
                "ask the community's service centre to change it instead of registering again",
                id=other.id,
                status=Named.one(NameKind.REGISTRATION, other.status.value),
            )


def decide(registrant: Registrant, to: RegistrationStatus) -> RegistrationStatus:
    """The new status, or NotAllowed naming where the registration may go from where it is."""
    allowed = MOVES[registrant.status]
    if to not in allowed:
        raise NotAllowed(
            "registration %(id)s is %(status)s: it may become only %(allowed)s",
            id=registrant.id,
            status=Named.one(NameKind.REGISTRATION, registrant.status.value),
            allowed=Named(NameKind.REGISTRATION, tuple(sorted(status.value for status in allowed))),
        )
    return to
