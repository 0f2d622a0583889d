"""Open311 POST under gunicorn with 8 clients, beside a bare Flask endpoint doing one INSERT under the same gunicorn.

Both servers run at once, 2 processes × 4 threads each (``ticketing serve
--no-worker``'s options), on the same database; the rounds alternate between
them.  The clients keep their connections open, as a city hotline's gateway
would; every answer must be a success.  The rate limits are raised through
their settings so that they do not answer 429.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.report import Figure, percentile
from ticketing.services import Ticketing
from ticketing.services.credentials import create_api_key

CLIENTS = 8
RATE_GOAL = 0.40
P99_GOAL = 0.100
HUGE_LIMIT = "1000000 per minute"


@dataclass(frozen=True)
class Load:
    per_second: float
    p99: float


def open311(database: str, service: Ticketing, url: str, folder: Path, seconds: float, rounds: int) -> Figure:
    """Open311 POSTs per second and their p99, beside the bare endpoint's."""
    key = create_api_key(service.engine, f"bench-{os.getpid()}", datetime.now(UTC))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETING_")} | {
        "TICKETING_DATABASE_URL": url,
        "TICKETING_SECRET_KEY": "bench-secret-key-" + "x" * 48,
        "TICKETING_DATA_DIR": str(folder),
        "TICKETING_SECURE_COOKIES": "0",
        "TICKETING_OPEN311_KEY_LIMIT": HUGE_LIMIT,
        "TICKETING_OPEN311_ADDRESS_LIMIT": HUGE_LIMIT,
    }
    form = urllib.parse.urlencode(
        {
            "api_key": key,
            "service_code": "property_repair",
            "address_id": "B01010101",
            "description": "楼道灯坏了，晚上看不见台阶",
            "phone": "13806330000",
        }
    ).encode()
    ours: list[Load] = []
    theirs: list[Load] = []
    ticketing_cmd = [
        sys.executable,
        "-m",
        "ticketing.cli",
        "serve",
        "--no-worker",
        "--workers",
        "2",
        "--host",
        "127.0.0.1",
    ]
    bare_cmd = [sys.executable, "-m", "bench.bare_app"]
    with (
        _server(ticketing_cmd, env, folder / "serve.log") as ticketing_port,
        _server(bare_cmd, env, folder / "bare.log") as bare_port,
    ):
        for round_ in range(rounds):
            order = [(ticketing_port, "/open311/v2/requests.json", ours), (bare_port, "/requests", theirs)]
            for port, path, into in order if round_ % 2 == 0 else order[::-1]:
                into.append(_load(port, path, form, seconds))
    rate, p99 = _median([load.per_second for load in ours]), _median([load.p99 for load in ours])
    bare_rate, bare_p99 = _median([load.per_second for load in theirs]), _median([load.p99 for load in theirs])
    return Figure(
        database,
        f"Open311 POST, gunicorn 2×4 threads, {CLIENTS} clients",
        f"{rate:,.0f} req/s, p99 {p99 * 1000:,.0f} ms",
        f"bare Flask one-INSERT endpoint: {bare_rate:,.0f} req/s, p99 {bare_p99 * 1000:,.0f} ms",
        f"{rate / bare_rate:.1%}",
        f"≥ {RATE_GOAL:.0%}, p99 ≤ {P99_GOAL * 1000:.0f} ms",
        rate / bare_rate >= RATE_GOAL and p99 <= P99_GOAL,
    )


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


@contextmanager
def _server(command: list[str], env: dict[str, str], log: Path) -> Iterator[int]:
    """Start a server on a free port and wait until it answers; stop it afterwards."""
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{' '.join(command[:4])} did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def _load(port: int, path: str, form: bytes, seconds: float) -> Load:
    """``CLIENTS`` threads posting as fast as the server answers for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    failures: list[str] = []
    stop_at = time.perf_counter() + seconds
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def client(into: list[float]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (start := time.perf_counter()) < stop_at:
            connection.request("POST", path, body=form, headers=headers)
            answer = connection.getresponse()
            answer.read()
            if answer.status >= 300:
                failures.append(f"{path} answered {answer.status}")
                return
            into.append(time.perf_counter() - start)
        connection.close()

    threads = [threading.Thread(target=client, args=(into,)) for into in latencies]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(failures[0])
    every = [latency for client_latencies in latencies for latency in client_latencies]
    return Load(len(every) / (time.perf_counter() - started), percentile(every, 0.99))
