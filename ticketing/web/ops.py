"""Probes and metrics for operators: ``/healthz``, ``/readyz`` and ``/metrics``.

``/healthz`` says the process answers; ``/readyz`` says it can do its work: the
database answers, its schema is current and (unless
``TICKETING_REQUIRE_WORKER=0``, for a deployment without a worker) a worker
has written its heartbeat recently — without one, deadlines would not fire.
Its ``warnings`` name what works but needs an admin soon, without failing the
probe: a year the next 60 days reach with no State Council notice loaded (its
make-up workdays unknown).
``/metrics`` answers only a scraper that sends ``Authorization: Bearer
<TICKETING_METRICS_TOKEN>`` or comes from an address in
``TICKETING_METRICS_ALLOW``: the counts describe the district's workload.
"""

from __future__ import annotations

import hmac
import os
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy.exc import SQLAlchemyError

from ticketing.deploy.metrics import app_registry
from ticketing.domain.holidays import NOTICE_HORIZON_DAYS
from ticketing.read import health
from ticketing.read.holidays import missing_notice
from ticketing.services import Ticketing
from ticketing.web.context import now, service, settings

HEARTBEAT_MAX_AGE = timedelta(minutes=2)  # the worker beats every few seconds; this spans a long sweep
OK = "ok"

bp = Blueprint("ops", __name__)


@bp.record_once
def _setup(state: Any) -> None:
    app: Flask = state.app
    app.config.setdefault("TICKETING_REQUIRE_WORKER", _flag(os.environ.get("TICKETING_REQUIRE_WORKER", "1")))
    ticketing: Ticketing = app.extensions["ticketing"]
    app.extensions["ticketing_metrics"] = app_registry(ticketing, app.extensions["ticketing_clock"])
    app.extensions["ticketing_metrics_allow"] = _networks(app.extensions["ticketing_settings"].metrics_allow)


def _networks(items: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    """``TICKETING_METRICS_ALLOW``'s addresses and networks; a wrong entry stops the start with its reason."""
    try:
        return tuple(ip_network(item, strict=False) for item in items)
    except ValueError as error:
        raise ValueError(f"TICKETING_METRICS_ALLOW: {error} (give IP addresses or networks like 10.0.0.0/8)") from None


def _flag(value: str) -> bool:
    return value.lower() not in ("0", "false", "no", "off")


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status=OK)


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    checks = _checks()
    failed = [name for name, result in checks.items() if result not in (OK, "disabled", "not checked")]
    body = {"status": "unavailable" if failed else OK, "checks": checks, "failed": failed, "warnings": _warnings()}
    return jsonify(body), 503 if failed else 200


def _warnings() -> list[str]:
    return [
        f"holidays: no State Council notice loaded for {year}, which the next {NOTICE_HORIZON_DAYS} days reach: "
        "its make-up workdays are unknown; add them as holiday overrides once published"
        for year in missing_notice(service(), now())
    ]


def _checks() -> dict[str, str]:
    try:
        health.ping(service())
        migrations = OK if health.schema_current(service()) else "behind"
        worker = _worker() if migrations == OK else "not checked"
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness: database error: %s", error)
        return {"database": "unreachable", "migrations": "not checked", "worker": "not checked"}
    return {"database": OK, "migrations": migrations, "worker": worker}


def _worker() -> str:
    if not current_app.config["TICKETING_REQUIRE_WORKER"]:
        return "disabled"
    beat = health.worker_heartbeat(service())
    if beat is None:
        return "no heartbeat"
    return OK if now() - beat <= HEARTBEAT_MAX_AGE else f"stale: last heartbeat {beat.isoformat()}"


@bp.get("/metrics")
def metrics() -> Response:
    if not _may_scrape():
        return Response(
            "metrics need Authorization: Bearer <TICKETING_METRICS_TOKEN>, or a client address in "
            "TICKETING_METRICS_ALLOW\n",
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"'},
            mimetype="text/plain",
        )
    registry: CollectorRegistry = current_app.extensions["ticketing_metrics"]
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _may_scrape() -> bool:
    """The metrics token (compared in constant time), or a client address on the allow list."""
    token = settings().metrics_token
    scheme, _space, sent = request.headers.get("Authorization", "").strip().partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), token.encode()):
        return True
    try:
        address = ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in current_app.extensions["ticketing_metrics_allow"])
