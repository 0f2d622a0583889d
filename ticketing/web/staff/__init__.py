"""Grid staff: queues, the ticket page and its actions, walk-in registration, absences.

Each page group is a module registering its views on ``bp`` when imported here.
"""

from __future__ import annotations

from ticketing.web.staff import absences, lists, register, ticket  # noqa: F401  (they register views)
from ticketing.web.staff.blueprint import bp

__all__ = ["bp"]
