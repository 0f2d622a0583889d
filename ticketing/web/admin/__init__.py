"""Admins: the organisation and its holders, absences, calendars, registry import, accounts, outbox, audit trail.

Every page needs the admin role.  Each resource is a module registering its
views on ``bp`` when imported here.
"""

from __future__ import annotations

from ticketing.web.admin import absences, accounts, audit, calendars, imports, organisation, outbox  # noqa: F401  (they register views)
from ticketing.web.admin.blueprint import bp

__all__ = ["bp"]
