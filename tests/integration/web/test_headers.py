"""Security headers on every answer, no inline script in any template, and who may read ``/metrics``.

That the pages still work under the policy is checked in a real browser
(``tests/browser/test_csp.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from secret_keys import TEST_SECRET_KEY

from ticketing.demo.tickets import DemoLoad
from ticketing.deploy.resources import TEMPLATES
from ticketing.deploy.settings import Settings
from ticketing.services import Ticketing
from ticketing.web import create_app

TOKEN = "a-long-random-metrics-token"


def _app(service: Ticketing, database_url: str, tmp_path: Path, **changes: Any) -> Flask:
    settings = Settings(database_url=database_url, secret_key=TEST_SECRET_KEY, data_dir=tmp_path, **changes)
    return create_app(settings, service, testing=True)


def _directives(response: Any) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(item.strip().split(" ", 1) for item in policy.split(";"))


@pytest.mark.parametrize("path", ["/", "/r/new", "/login", "/nowhere", "/static/app.css", "/healthz"])
def test_every_answer_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    policy = _directives(response)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in these tests


@pytest.mark.parametrize("path", ["/", "/login", "/nowhere", "/static/app.css", "/healthz", "/status"])
def test_pages_send_the_referrer_to_this_site_only(client: FlaskClient, path: str) -> None:
    assert client.get(path).headers["Referrer-Policy"] == "same-origin"


def test_the_residents_pages_send_no_referrer_at_all(client: FlaskClient, demo_tickets: DemoLoad) -> None:
    """Not even to this site: the private link is in its page's address, and the other pages are the resident's too."""
    private_link = f"/r/t/{demo_tickets.resident_token}"
    paths = ("/r/new", "/r/track", "/r/receipt", private_link, "/r/t/not-a-real-token")

    answers = {path: client.get(path) for path in paths}

    assert answers[private_link].status_code == 200
    assert {path: answer.headers["Referrer-Policy"] for path, answer in answers.items()} == dict.fromkeys(
        paths, "no-referrer"
    )


def test_only_the_workflow_diagrams_may_use_inline_styles(login: Callable[[str], FlaskClient]) -> None:
    response = login("S0004").get("/supervise/workflows")

    assert response.status_code == 200
    assert _directives(response)["style-src"] == "'self' 'unsafe-inline'"  # Mermaid's SVGs carry a <style>
    assert _directives(response)["script-src"] == "'self'"


def test_https_deployments_get_hsts(service: Ticketing, database_url: str, tmp_path: Path) -> None:
    response = _app(service, database_url, tmp_path, secure_cookies=True).test_client().get("/")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER_OR_STYLE = re.compile(r"\s(on[a-z]+|style)\s*=", re.IGNORECASE)


def test_no_template_has_inline_script_handlers_or_style_attributes() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for pattern in (INLINE_SCRIPT, HANDLER_OR_STYLE)
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


# --- /metrics ------------------------------------------------------------------------------------


def test_metrics_are_refused_without_the_token(service: Ticketing, database_url: str, tmp_path: Path) -> None:
    client = _app(service, database_url, tmp_path, metrics_token=TOKEN).test_client()

    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert "TICKETING_METRICS_TOKEN" in anonymous.get_data(as_text=True)
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}x"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    scraped = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200
    assert "ticketing_tickets_overdue" in scraped.get_data(as_text=True)


def test_without_a_token_or_allow_list_nobody_reads_metrics(app: Flask) -> None:
    assert app.test_client().get("/metrics").status_code == 401
    assert app.test_client().get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401


def test_addresses_on_the_allow_list_read_metrics_without_a_token(
    service: Ticketing, database_url: str, tmp_path: Path
) -> None:
    client = _app(service, database_url, tmp_path, metrics_allow=("10.0.0.0/8", "192.0.2.7", "::1")).test_client()

    def status(address: str) -> int:
        return client.get("/metrics", environ_base={"REMOTE_ADDR": address}).status_code

    assert [status(a) for a in ("10.20.30.40", "192.0.2.7", "::1")] == [200, 200, 200]
    assert [status(a) for a in ("192.0.2.8", "11.0.0.1", "127.0.0.1")] == [401, 401, 401]


def test_the_allow_list_is_read_behind_a_trusted_proxy(service: Ticketing, database_url: str, tmp_path: Path) -> None:
    app = _app(service, database_url, tmp_path, metrics_allow=("127.0.0.1",), trusted_proxies=1)
    proxied = app.test_client()

    assert proxied.get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 401
    assert proxied.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200


def test_a_wrong_allow_list_entry_stops_the_start(service: Ticketing, database_url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"TICKETING_METRICS_ALLOW: .*'10\.0\.0\.300'"):
        _app(service, database_url, tmp_path, metrics_allow=("10.0.0.300",))


def test_the_bearer_scheme_is_not_case_sensitive(app: Flask) -> None:
    app.extensions["ticketing_settings"] = replace(app.extensions["ticketing_settings"], metrics_token=TOKEN)

    assert app.test_client().get("/metrics", headers={"Authorization": f"bearer  {TOKEN} "}).status_code == 200
