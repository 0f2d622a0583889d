"""Schemathesis over the Open311 JSON surface: generated requests against its own OpenAPI description.

Each operation gets a bounded, derandomised run of requests that fit the
description and of requests that do not: no answer may be a server error, and
every answer must have a documented status, content type and body schema
(closed schemas: nothing of the resident's may slip in).  A few requests exist
(one closed) so that lists have something to show, and POSTs carry a valid
API key so that requests get opened.

Operations are driven with ``APIOperation.as_strategy`` under Hypothesis:
``schemathesis.pytest.from_fixture`` reads ``Function._nodeid``, which pytest 9
no longer has.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ticketing.services import Ticketing
from ticketing.services.credentials import create_api_key
from ticketing.web.extensions import limiter

WEB_NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock (tests/integration/conftest.py)
EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
API = "/open311/v2"
OPERATIONS = [
    ("GET", f"{API}/discovery.json"),
    ("GET", f"{API}/services.json"),
    ("GET", f"{API}/services/{{service_code}}.json"),
    ("GET", f"{API}/service/{{service_code}}.json"),
    ("GET", f"{API}/requests.json"),
    ("POST", f"{API}/requests.json"),
    ("GET", f"{API}/requests/{{service_request_id}}.json"),
    ("GET", f"{API}/tokens/{{token}}.json"),
]


def _requests(service: Ticketing) -> None:
    """Three requests of the last days; the oldest handled and closed."""
    numbers = [
        service.open_ticket(
            category="property_repair",
            description="楼道灯坏了",
            contact_phone="13912345678",
            location_id="B01010101",
            now=WEB_NOW - timedelta(days=days),
        ).number
        for days in (3, 2, 1)
    ]
    service.act(numbers[0], "acknowledge", "S0013", WEB_NOW - timedelta(days=2))
    service.act(numbers[0], "resolve", "S0013", WEB_NOW - timedelta(days=1), resolution="已修好")
    service.act(numbers[0], "callback", "S0013", WEB_NOW - timedelta(hours=3), satisfaction="satisfied", solved=True)


def test_the_document_describes_these_operations(app: Flask) -> None:
    paths = app.test_client().get(f"{API}/openapi.json").get_json()["paths"]

    assert sorted((method.upper(), path) for path, item in paths.items() for method in item) == sorted(OPERATIONS)


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{method} {path}" for method, path in OPERATIONS])
def test_every_answer_is_documented_and_none_is_a_server_error(
    app: Flask, service: Ticketing, method: str, path: str, mode: GenerationMode
) -> None:
    _requests(service)
    key = create_api_key(service.engine, "schemathesis", WEB_NOW)
    operation = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Case) -> None:
        with app.app_context():
            limiter.reset()  # a run posts more than a client may in a minute
        if isinstance(case.body, dict):
            case.body["api_key"] = key
        case.call_and_validate(checks=CHECKS)

    fuzz()
