"""Staff API calls with a staff member's bearer token, for every staff API test module."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ticketing.services import Ticketing
from ticketing.services.credentials import issue_staff_token

TOKEN_ISSUED = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the tests' app clock: Monday 09:00 in Shanghai

Call = Callable[..., TestResponse]


@pytest.fixture
def as_staff(client: FlaskClient, service: Ticketing) -> Callable[[str], Call]:
    """``as_staff("S0013")(method, url, json=…)``: a call with that staff member's bearer token."""

    def make(staff_id: str) -> Call:
        _id, token = issue_staff_token(service.engine, staff_id, TOKEN_ISSUED)

        def call(method: str, url: str, **kwargs: Any) -> TestResponse:
            headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
            return client.open(url, method=method, headers=headers, **kwargs)

        return call

    return make
