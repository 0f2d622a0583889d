"""The staff JSON API under ``/api/v1``: bearer tokens, the staff pages' rules and scoping, JSON errors.

A script acts as the staff member its token was issued to (``ticketing staff
token STAFF_ID``) and sees what that person sees on the staff pages
(``StaffUser.can_see``: a ticket out of sight is "not found", like an unknown
number); supervisors' board and rates cover their communities and streets.
Requests and answers are the models of ``ticketing.schemas``: spectree
validates requests with them and generates the description served at
``/api/v1/openapi.json`` from them (``ticketing.web.apidoc``).  Every failure,
unknown paths included, is ``{"error": {"code", "message", "details"}}`` with
its HTTP status (``ticketing.web.api_errors``).  Each resource is a module
registering its operations on ``bp`` when imported here.
"""

from __future__ import annotations

# isort: off
# The description lists the operations in the order they are registered: keep this order.
from ticketing.web.api_v1 import auth, meta, tickets, actions, queues, supervision, organisation, absences, holidays  # noqa: F401
from ticketing.web.api_v1 import volunteering  # noqa: F401
from ticketing.web.api_v1.blueprint import bp

# isort: on

__all__ = ["bp"]
