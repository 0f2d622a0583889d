"""The password rule every way of setting a password applies (web, command line, demo).

Length alone lets ``aaaaaaaa`` and ``12345678`` through, and those are the
first guesses of anyone trying logins: refuse one repeated character and the
most common passwords as well. The rule says which part was broken, so the
person choosing can fix it.
"""

from __future__ import annotations

from ticketing.domain.common_passwords import COMMON_PASSWORDS
from ticketing.domain.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 200


def check_password(password: str) -> None:
    """Raise ``InvalidInput`` naming the first rule ``password`` breaks; return when it is acceptable."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput("the password must be at least %(length)s characters long", length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInput("the password must be at most %(length)s characters long", length=MAX_LENGTH)
    if len(set(password)) == 1:
        raise InvalidInput("the password must not be one character repeated; mix letters, digits and signs")
    if password.casefold() in COMMON_PASSWORDS:
        raise InvalidInput("this password is one of the most common ones, which are guessed first; choose another")
