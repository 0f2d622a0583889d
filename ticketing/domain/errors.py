"""The one error tree of the engine.

    TicketingError
    ├── InvalidInput          bad data from a user or a file (400)
    │   ├── WorkflowFileError a workflow file that does not load
    │   └── OrgFileError      an organisation file or roster that does not load
    ├── NotFound              unknown ticket, post, staff member (404)
    ├── NotAllowed            wrong state or wrong actor for an action (409/403)
    └── Conflict              the ticket changed since it was read (409)

Every message says what was wrong and what is allowed instead. It is an English
template with ``%(name)s`` placeholders and the values to put in them, so the web
layer can translate the template before filling it in; ``str(error)`` gives the
English text. The templates are literal first arguments of the raises, which
``pybabel extract -k InvalidInput -k NotAllowed -k NotFound -k Conflict`` collects.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TicketingError(Exception):
    """Base of every error the engine raises on purpose."""

    def __init__(self, template: str, /, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template)

    def __str__(self) -> str:
        return self.template % self.params if self.params else self.template


class NameKind(StrEnum):
    """What the codes of a ``Named`` are."""

    SATISFACTION = "satisfaction"
    MEANS = "means"  # how a callback was made
    MEDIATION = "mediation"  # how a mediation ended
    RESIDENT_CHANNEL = "resident_channel"  # how the resident is told
    STATE = "state"  # a state of ``Named.workflow``
    REGISTRATION = "registration"  # a registration's status (双报到)
    ITEM = "item"  # a service list item's status
    CLAIM = "claim"  # a claim's status (认领)
    FIELD = "field"  # a field of a 双报到 or service list form


@dataclass(frozen=True, slots=True)
class Named:
    """Codes an error message names (what is allowed, a ticket's state), for the reader to see in words.

    The web names each in the reader's language (``ticketing.web.errors``); ``str()``, for logs and the CLI,
    lists the codes as they are, and the API's error details carry them as a list.
    """

    kind: NameKind
    codes: tuple[str, ...]
    workflow: str = ""
    single: bool = False  # one value (a state), not a list of what is allowed

    @classmethod
    def one(cls, kind: NameKind, code: str, workflow: str = "") -> Named:
        return cls(kind, (code,), workflow, single=True)

    def __str__(self) -> str:
        return ", ".join(self.codes) or "—"


def state_of(ticket_state: str, workflow: str) -> Named:
    """A ticket's state, for a message that says which state it is in."""
    return Named.one(NameKind.STATE, ticket_state, workflow)


class InvalidInput(TicketingError):
    pass


class FileProblems(InvalidInput):
    """Several problems found in files, each naming the file and the key or line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class WorkflowFileError(FileProblems):
    pass


class OrgFileError(FileProblems):
    pass


class NotFound(TicketingError):
    pass


class NotAllowed(TicketingError):
    pass


class Conflict(TicketingError):
    pass
