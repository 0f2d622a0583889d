"""Logins that are quick to make: scrypt costs a tenth of a second to hash a password and as long to check one.

Inside ``quick_hashes()`` new passwords are hashed with one PBKDF2 round and
the check of an unknown staff number runs against such a hash too. Logging in
stays real: ``check_password_hash`` reads the method from the stored hash.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.security import generate_password_hash

from ticketing.services import accounts


def one_round_hash(password: str, method: str = "scrypt", salt_length: int = 16) -> str:
    return generate_password_hash(password, "pbkdf2:sha256:1", salt_length)


@contextmanager
def quick_hashes() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "generate_password_hash", one_round_hash)
        patch.setattr(accounts, "_dummy_hash", lambda: one_round_hash("no one's password"))
        yield
