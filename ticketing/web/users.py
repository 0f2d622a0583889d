"""The logged-in staff member and what they may see (visibility is scoped by post and role)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import UserMixin

from ticketing.domain.org import Organisation, PostKind, Role
from ticketing.domain.ticket import Ticket


@dataclass(frozen=True)
class StaffUser(UserMixin):
    """A staff member with an account: their posts and, for supervisors, their area."""

    id: str
    name: str
    role: Role
    post_ids: frozenset[str]
    communities: frozenset[str]
    streets: frozenset[str]

    @classmethod
    def of(cls, org: Organisation, staff_id: str) -> StaffUser | None:
        member = org.staff.get(staff_id)
        if member is None:
            return None
        held = org.holds(staff_id)
        return cls(
            id=staff_id,
            name=member.name,
            role=member.role,
            post_ids=frozenset(post.id for post in held),
            communities=frozenset(p.unit_id for p in held if p.kind is PostKind.COMMUNITY_PARTY),
            streets=frozenset(p.unit_id for p in held if p.kind is PostKind.STREET_COMMITTEE),
        )

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def can_see(self, ticket: Ticket) -> bool:
        """Staff see their posts' and accountable tickets; supervisors their area; admins everything."""
        if self.is_admin or ticket.post_id in self.post_ids or ticket.first_responder_id == self.id:
            return True
        return self.is_supervisor and (ticket.community_id in self.communities or ticket.street_id in self.streets)
