"""A community's staff: its 双报到 registrations, volunteer teams, service list, claims and record cards.

Each page group is a module registering its views on ``bp`` when imported here.
"""

from __future__ import annotations

from ticketing.web.community import service_list  # noqa: F401  (registers its views)
from ticketing.web.community.blueprint import bp

__all__ = ["bp"]
