"""Schemathesis fuzzes /api/v1 from its own OpenAPI description, in process, as a real demo supervisor.

Every operation gets up to 20 generated requests that fit the description and
20 that do not, derandomised so that a run is repeatable.  Each response must
come without a server error and match the description (status, content type,
headers, body schema); requests that fit must not be refused as malformed
(422: rules may still refuse them) and those that do not must be refused;
the same call without the token must get 401.  Ticket numbers in paths are
mostly real ones of the supervisor's community, sent with their current
version, so actions get as far as the rules.

The operations are driven with ``APIOperation.as_strategy`` under Hypothesis
rather than ``schemathesis.pytest.from_fixture``, whose lazy loader reads
``Function._nodeid``, an attribute pytest 9 no longer has.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import APIOperation

from ticketing.services import Ticketing
from ticketing.services.credentials import issue_staff_token

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock (tests/integration/conftest.py)
SUPERVISOR = "S0004"  # community party A of C0101: board, rates, notes and extensions on C0101's tickets
EXAMPLES = 20
CHECKS = {
    # Requests that fit the description may still be refused by the rules (400, 403, 404, 409), never as malformed.
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409"]}},
}


def _run(operation: APIOperation, mode: GenerationMode, service: Ticketing, numbers: list[str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode), number=st.sampled_from([*numbers, None]))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Case, number: str | None) -> None:
        if number is not None and mode is GenerationMode.POSITIVE and "number" in (case.path_parameters or {}):
            case.path_parameters["number"] = number
            if isinstance(case.body, dict) and "version" in case.body:
                case.body["version"] = service.show(number).ticket.version
        case.call_and_validate()

    fuzz()


@pytest.mark.usefixtures("demo_tickets")
def test_the_api_keeps_its_description(app: Flask, service: Ticketing) -> None:
    unlimited = replace(app.extensions["ticketing_settings"], api_token_limit="1000000 per minute")
    app.extensions["ticketing_settings"] = unlimited
    _id, token = issue_staff_token(service.engine, SUPERVISOR, NOW)
    numbers = [ticket.number for ticket in service.list_tickets(community_id="C0101", limit=500)]
    config = SchemathesisConfig.from_dict({**CHECKS, "auth": {"openapi": {"bearerAuth": {"bearer": token}}}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    described = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    labels = {f"{method.upper()} {path}" for path, item in described.items() for method in item}
    # Schemathesis leaves out the operation serving the description itself (test_api_v1_schema.py checks it).
    assert {operation.label for operation in operations} == labels - {"GET /api/v1/openapi.json"}
    for operation in operations:
        for mode in GenerationMode:
            try:
                _run(operation, mode, service, numbers)
            except (Exception, BaseExceptionGroup) as error:  # every operation is fuzzed; all failures reported
                parts = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
                failures[f"{operation.label} ({mode.value})"] = "\n".join(map(str, parts))
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
