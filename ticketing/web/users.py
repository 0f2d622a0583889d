"""The logged-in staff member and what they may see (visibility is scoped by post and role)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import UserMixin

from ticketing.domain.org import Organisation, PostKind, Role
from ticketing.domain.ticket import Ticket
from ticketing.domain.volunteering import access


@dataclass(frozen=True)
class StaffUser(UserMixin):
    """A staff member with an account: their posts and, for supervisors, their area.

    ``session_epoch`` is the account's epoch when the session began: it is part of the id Flask-Login keeps
    in the session (and would keep in a remember cookie), so a session from before a logout, a password
    change or a deactivation no longer loads.
    """

    id: str
    name: str
    role: Role
    post_ids: frozenset[str]
    communities: frozenset[str]
    streets: frozenset[str]
    session_epoch: int = 0
    staff_of: frozenset[str] = frozenset()  # communities whose staff they are: their 双报到 and service list
    manager_of: frozenset[str] = frozenset()  # communities whose registrations and teams they keep

    @classmethod
    def of(cls, org: Organisation, staff_id: str, session_epoch: int = 0) -> StaffUser | None:
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
            session_epoch=session_epoch,
            staff_of=access.staffed(org, held),
            manager_of=access.managed(held),
        )

    def get_id(self) -> str:
        """What the session stores: the staff id and the epoch, ``S0013:4`` (read back by ``session_key``)."""
        return f"{self.id}:{self.session_epoch}"

    @staticmethod
    def session_key(stored: str) -> tuple[str, int] | None:
        """The staff id and epoch a session stored, or None for anything else (a session from older code)."""
        staff_id, _, epoch = stored.rpartition(":")
        return (staff_id, int(epoch)) if staff_id and epoch.isascii() and epoch.isdigit() else None

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_community_staff(self) -> bool:
        """Whether they work some community's 双报到 and service list (admins all of them)."""
        return self.is_admin or bool(self.staff_of)

    def works_for(self, community_id: str | None) -> bool:
        """Whether they are staff of this community (admins of every one): its volunteers' personal data."""
        return self.is_admin or community_id in self.staff_of

    def manages(self, community_id: str | None) -> bool:
        """Whether they approve this community's registrations and keep its teams."""
        return self.is_admin or community_id in self.manager_of

    def can_see(self, ticket: Ticket) -> bool:
        """Staff see their posts' and accountable tickets and those their posts joined (协同); supervisors their
        area; admins everything."""
        if self.is_admin or ticket.post_id in self.post_ids or ticket.first_responder_id == self.id:
            return True
        if any(joined.post_id in self.post_ids for joined in ticket.joined):
            return True
        return self.is_supervisor and (ticket.community_id in self.communities or ticket.street_id in self.streets)
