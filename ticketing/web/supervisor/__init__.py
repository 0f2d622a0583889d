"""Supervisors: the overdue board, the three rates with charts, exports, workflow diagrams.

Supervisors see the tickets of their communities and of every community of
their streets; admins see the whole district.  Exports carry the filters of
the page they come from and Chinese or English headers by the reader's language.
Each page group is a module registering its views on ``bp`` when imported here.
"""

from __future__ import annotations

from ticketing.web.supervisor import actions, board, exports, rates, terminations, volunteers, workflows  # noqa: F401
from ticketing.web.supervisor.blueprint import bp

__all__ = ["bp"]
