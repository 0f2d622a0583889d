"""The small district every rule test starts from, fresh for each test."""

from __future__ import annotations

import pytest
from district import District


@pytest.fixture
def d() -> District:
    return District()
