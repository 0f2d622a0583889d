"""Volunteer teams (志愿服务队): a community's members serving together under a service brand.

A team's members are members (在职党员) the community approved; its leader, if it has one, is one of them and may
claim items for the team through their own link.  A team is disbanded, never deleted: its record card stays.
"""

from __future__ import annotations

from collections.abc import Sequence

from ticketing.domain.errors import InvalidInput, NotAllowed
from ticketing.domain.volunteering.fields import text
from ticketing.domain.volunteering.model import Registrant, RegistrantKind, RegistrationStatus, Team

MAX_NAME = 100
MAX_BRAND = 100
MAX_MEMBERS = 500


def check_team(
    community_id: str, name: str, brand: str, leader_id: int | None, members: Sequence[Registrant]
) -> tuple[str, str]:
    """The name and brand tidied, or a refusal naming the member who may not be in the team."""
    if len(members) > MAX_MEMBERS:
        raise InvalidInput("members: at most %(max)d in one team", max=MAX_MEMBERS)
    for member in members:
        if member.community_id != community_id or member.kind is not RegistrantKind.MEMBER:
            raise NotAllowed(
                "%(name)s (registration %(id)s) is no member of this community: a team has the community's own "
                "registered party members",
                name=member.name,
                id=member.id,
            )
        if member.status is not RegistrationStatus.APPROVED:
            raise NotAllowed(
                "%(name)s (registration %(id)s) is not approved: approve the registration first",
                name=member.name,
                id=member.id,
            )
    if leader_id is not None and leader_id not in {member.id for member in members}:
        raise InvalidInput("leader: choose the team's leader among its members")
    return text("team_name", name, MAX_NAME), text("brand", brand, MAX_BRAND, required=False)


def refuse_disbanded(team: Team) -> None:
    if team.disbanded:
        raise NotAllowed("team %(name)s is disbanded: it may no longer change or claim", name=team.name)
