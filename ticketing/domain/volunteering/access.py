"""Who may see and change a community's registrations, service list and record cards.

- the community's staff — holders of the staff posts (grid leaders, the police post, the party secretary's
  post, the service centre's intake post) of the community or its grids — see its registrants' personal data,
  publish and close items, confirm or decline claims, record service;
- the community's managers — the party secretary's post and the service centre's intake post — also approve
  or reject registrations, import them, and keep the volunteer teams;
- admins may do all of it in every community.

Volunteer posts (楼长, 街长, 店长) are residents, not community staff: they see no one's personal data,
though as holders of a ticket they may ask for volunteer help with it (``ticket_help``).  Supervisors of a
street see its counts (the supervisors' page), not the people behind them.
"""

from __future__ import annotations

from collections.abc import Iterable

from ticketing.domain.errors import NotAllowed
from ticketing.domain.org import Organisation, Post, PostKind, Role, UnitKind, held_by_volunteers

MANAGING_POSTS = frozenset({PostKind.COMMUNITY_PARTY, PostKind.INTAKE})


def _is_admin(org: Organisation, actor_id: str | None) -> bool:
    member = org.staff.get(actor_id) if actor_id else None
    return member is not None and member.role is Role.ADMIN


def staff_communities(org: Organisation, actor_id: str | None) -> frozenset[str]:
    """The communities whose staff ``actor_id`` is: where a staff post they hold lies."""
    return staffed(org, org.holds(actor_id)) if actor_id else frozenset()


def managed_communities(org: Organisation, actor_id: str | None) -> frozenset[str]:
    """The communities ``actor_id`` manages volunteers for: the party secretary's or intake post they hold."""
    return managed(org.holds(actor_id)) if actor_id else frozenset()


def staffed(org: Organisation, held: Iterable[Post]) -> frozenset[str]:
    """The communities of the staff posts among ``held`` (a login's posts, read once)."""
    found = set()
    for post in held:
        community = org.ancestor(post.unit_id, UnitKind.COMMUNITY)
        if community is not None and not held_by_volunteers(post.kind):
            found.add(community.id)
    return frozenset(found)


def managed(held: Iterable[Post]) -> frozenset[str]:
    """The communities whose party secretary's or intake post is among ``held``."""
    return frozenset(post.unit_id for post in held if post.kind in MANAGING_POSTS)


def is_community_staff(org: Organisation, actor_id: str | None, community_id: str) -> bool:
    return _is_admin(org, actor_id) or community_id in staff_communities(org, actor_id)


def manages(org: Organisation, actor_id: str | None, community_id: str) -> bool:
    return _is_admin(org, actor_id) or community_id in managed_communities(org, actor_id)


def require_staff(org: Organisation, actor_id: str | None, community_id: str) -> None:
    """Refuse anyone but the community's staff (and admins); ``None`` is the operator at the command line."""
    if actor_id is not None and not is_community_staff(org, actor_id, community_id):
        raise NotAllowed(
            "only the staff of community %(community)s (its grid leaders, police post, party secretary and "
            "service centre) or an admin may do this",
            community=_name(org, community_id),
        )


def require_manager(org: Organisation, actor_id: str | None, community_id: str) -> None:
    """Refuse anyone but the community's managers (and admins); ``None`` is the operator at the command line."""
    if actor_id is not None and not manages(org, actor_id, community_id):
        raise NotAllowed(
            "only the party secretary's post or the service centre of community %(community)s, or an admin, "
            "may do this",
            community=_name(org, community_id),
        )


def _name(org: Organisation, community_id: str) -> str:
    unit = org.units.get(community_id)
    return unit.name if unit is not None else community_id
