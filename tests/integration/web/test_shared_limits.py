"""Rate limits hold across real web processes: 4 ``ticketing serve`` processes share one budget.

Each web process is a gunicorn started by ``ticketing serve`` on its own
loopback port, so the requests are spread over the processes for certain
(one gunicorn with 4 workers leaves the spread to the kernel). With counters
in each process's memory, 60 look-ups let about 40 through; with counters in
the database or in Redis, exactly the documented 10.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import Engine

from ticketing.db.engine import make_engine
from ticketing.deploy.migrate import upgrade

WEB_PROCESSES = 4
LOOK_UPS = 60
BOOT_SECONDS = 60  # four gunicorns importing the app at once on a small, shared machine
Start = Callable[..., list[str]]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, dict[str, list[str]], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, _headers(response), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, _headers(error), error.read().decode()


def _headers(response: object) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in response.headers.items():  # type: ignore[attr-defined]
        found.setdefault(name.lower(), []).append(value)
    return found


@pytest.fixture
def web_processes(tmp_path: Path) -> Iterator[Start]:
    """Start ``ticketing serve`` processes (one web process each, no worker); their base URLs."""
    started: list[subprocess.Popen[bytes]] = []

    def start(database_url: str, **env: str) -> list[str]:
        environment = {
            **os.environ,
            "TICKETING_SECRET_KEY": TEST_SECRET_KEY,  # one key, so one form token serves every process
            "TICKETING_SECURE_COOKIES": "0",
            **env,
        }
        ports = [_free_port() for _ in range(WEB_PROCESSES)]
        command = [sys.executable, "-m", "ticketing.cli", "--database-url", database_url, "serve", "--no-worker"]
        for n, port in enumerate(ports):
            with (tmp_path / f"serve-{n}.log").open("wb") as log:  # the child keeps its own copy open
                arguments = [*command, "--workers", "1", "--port", str(port)]
                started.append(subprocess.Popen(arguments, env=environment, stdout=log, stderr=log))
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + BOOT_SECONDS
        for url in urls:
            _wait_until_up(url, deadline, tmp_path)
        return urls

    yield start
    for process in started:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is in flight
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, deadline: float, logs: Path) -> None:
    while time.monotonic() < deadline:
        try:
            if _get(f"{url}/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    output = "\n".join(path.read_text(errors="replace")[-2000:] for path in sorted(logs.glob("serve-*.log")))
    raise AssertionError(f"{url} did not start in {BOOT_SECONDS}s:\n{output}")


def _look_ups(urls: list[str]) -> list[tuple[int, list[str]]]:
    """60 tracking look-ups from one browser, spread over the processes in turn: (status, Server headers) each."""
    status, headers, page = _get(f"{urls[0]}/r/track")
    assert status == 200
    cookie = headers["set-cookie"][0].split(";", 1)[0]
    token = CSRF.search(page)
    assert token, "no CSRF token on the tracking form"
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "number": "261123-000001", "phone_ending": "0000"})
    answers = []
    for n in range(LOOK_UPS):
        request = urllib.request.Request(
            f"{urls[n % len(urls)]}/r/track", data=body.encode(), headers={"Cookie": cookie}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answers.append((response.status, response.headers.get_all("Server")))
        except urllib.error.HTTPError as error:
            answers.append((error.code, error.headers.get_all("Server")))
    return answers


def _assert_ten_in_total(answers: list[tuple[int, list[str]]]) -> None:
    statuses = [status for status, _server in answers]
    assert statuses.count(200) == 10, statuses  # TICKETING_TRACK_LIMIT's default: 10 a minute
    assert statuses[:10] == [200] * 10
    assert statuses.count(429) == LOOK_UPS - 10
    assert {tuple(server) for _status, server in answers} == {("ticketing",)}  # not "gunicorn"


@pytest.mark.slow
def test_four_web_processes_share_the_tracking_limit_in_the_database(
    engine: Engine, database_url: str, web_processes: Start
) -> None:
    urls = web_processes(database_url)

    _assert_ten_in_total(_look_ups(urls))


def _redis_server() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("TICKETING_REQUIRE_REDIS"):
            pytest.fail("TICKETING_REQUIRE_REDIS is set, but redis-server is missing (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    return binary


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of this test's own on a free loopback port, without persistence."""
    port = _free_port()
    command = [_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen([*command, "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_four_web_processes_share_the_tracking_limit_in_redis(
    redis_url: str, tmp_path: Path, web_processes: Start
) -> None:
    database_url = f"sqlite:///{tmp_path / 'redis-run.sqlite3'}"
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    urls = web_processes(database_url, TICKETING_RATELIMIT_STORAGE_URI=redis_url)

    _assert_ten_in_total(_look_ups(urls))
    assert redis.Redis.from_url(redis_url).dbsize() > 0  # the counters were kept there
