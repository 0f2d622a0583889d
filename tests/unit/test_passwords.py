"""The password rule: long enough, not one character repeated, not one of the passwords guessed first."""

from __future__ import annotations

import pytest

from ticketing.domain.common_passwords import COMMON_PASSWORDS
from ticketing.domain.errors import InvalidInput
from ticketing.domain.passwords import MAX_LENGTH, check_password


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("", "at least 8 characters"),
        ("short-7", "at least 8 characters"),
        ("x" * (MAX_LENGTH + 1), "at most 200 characters"),
        ("aaaaaaaa", "one character repeated"),
        ("8888888888", "one character repeated"),
        ("        ", "one character repeated"),
        ("12345678", "most common"),
        ("password", "most common"),
        ("PassWord", "most common"),
        ("qwertyui", "most common"),
        ("woaini1314", "most common"),
        ("1qaz2wsx", "most common"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password(password)

    assert reason in str(refused.value)


@pytest.mark.parametrize(
    "password", ["demo-2026", "test-password", "correct horse", "楼道灯坏了请修理", "ab" * (MAX_LENGTH // 2)]
)
def test_a_reasonable_password_passes(password: str) -> None:
    check_password(password)


def test_the_list_is_modest_and_lower_case_and_names_the_obvious_ones() -> None:
    assert 200 <= len(COMMON_PASSWORDS) <= 2000
    assert all(word == word.casefold() and len(word) >= 8 for word in COMMON_PASSWORDS)
    assert {"12345678", "password", "qwertyui", "88888888"} <= COMMON_PASSWORDS
