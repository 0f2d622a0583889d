"""Use cases: every write the service makes, one module per area, each one transaction.

``tickets`` opens and acts on tickets; ``absences`` records absences and the
hand-overs they cause; ``sweep`` fires the deadlines due; ``organisation``
imports the registry and changes a post's holders; ``accounts``,
``credentials`` and ``logins`` manage logins, API keys and staff tokens,
leaving audit events; ``outbox`` delivers and retries notices; ``heartbeat``
and ``rate_limits`` keep the processes' heartbeats and the web's shared
rate-limit counters. Each write runs in one transaction (``unit_of_work``);
the SQL lives in ``ticketing.db`` and the rules in ``ticketing.domain``.
"""

from ticketing.services.sweep import SweepReport
from ticketing.services.tickets import ACTIONS, NewAttachment, Ticketing

__all__ = ["ACTIONS", "NewAttachment", "SweepReport", "Ticketing"]
