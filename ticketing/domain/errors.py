"""The one error tree of the engine.

    TicketingError
    ├── InvalidInput          bad data from a user or a file (400)
    │   ├── WorkflowFileError a workflow file that does not load
    │   └── OrgFileError      an organisation file or roster that does not load
    ├── NotFound              unknown ticket, post, staff member (404)
    ├── NotAllowed            wrong state or wrong actor for an action (409/403)
    └── Conflict              the ticket changed since it was read (409)

Every message says what was wrong and what is allowed instead.
"""

from __future__ import annotations


class TicketingError(Exception):
    """Base of every error the engine raises on purpose."""


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
