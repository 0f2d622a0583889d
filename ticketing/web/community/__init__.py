"""A community's staff: its 双报到 registrations, volunteer teams, service list, claims and record cards.

Each page group is a module registering its views on ``bp`` when imported here.
"""

from __future__ import annotations

from ticketing.web.community import cards, people, service_list, teams
from ticketing.web.community.blueprint import bp

__all__ = ["bp", "cards", "people", "service_list", "teams"]
