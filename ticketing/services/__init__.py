"""Use cases: every write the service makes, one module per area, each one transaction.

``tickets`` opens, acts on and sweeps tickets and applies absences;
``organisation`` imports the registry and changes a post's holders;
``accounts`` and ``credentials`` manage logins, API keys and staff tokens,
leaving audit events. Each write runs in a ``unit_of_work``; the SQL lives in
``ticketing.db`` and the rules in ``ticketing.domain``.
"""

from ticketing.services.tickets import ACTIONS, NewAttachment, SweepReport, Ticketing

__all__ = ["ACTIONS", "NewAttachment", "SweepReport", "Ticketing"]
