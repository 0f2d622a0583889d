"""Scale-out: two ``ticketing serve`` instances and two ``ticketing worker`` processes on one PostgreSQL database.

The set-up of the README's *Scale-out* section, on one machine: web instances
started with ``--no-worker`` and sharing only the database, the secret key and
the data directory; workers started on their own. Tickets opened through both
web instances have their deadlines moved to just past and just ahead (the
worker's clock is the real one), so both workers sweep them while both race
for the same rows. Every deadline fires once, every page answers on both
instances, what one instance writes the other shows, and the login rate limit
counts the attempts made on both.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from passwords import quick_hashes
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import Engine, select, update

from ticketing.db.schema import deadlines, history, notifications, tickets
from ticketing.services import Ticketing
from ticketing.services.accounts import set_password
from ticketing.services.credentials import issue_staff_token

pytestmark = pytest.mark.slow

BOUND = 30.0  # seconds a step may take on a loaded machine: a bound, not a measure
REGISTRAR = "S0013"  # building leader A of B01010101: opens the tickets, and holds them until they are due
SUPERVISOR = "S0004"  # community party A of C0101: sees the queue, the tickets, the board and the rates
PASSWORD = "scale-out-password"
PER_INSTANCE = 4  # tickets opened through each web instance
LOGIN_LIMIT = 4  # login attempts a minute from one address, whichever instance they reach


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def postgres(service: Ticketing) -> Ticketing:
    if service.engine.dialect.name != "postgresql":
        pytest.skip(
            "PostgreSQL only: several hosts share one PostgreSQL database, never one SQLite file "
            "(set TICKETING_TEST_DATABASE_URL to run it)"
        )
    return service


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Callable[[str, list[str], dict[str, str]], Process]]:
    """Start ``ticketing`` commands as processes; all are stopped after the test, their logs printed."""
    started: list[Process] = []

    def start(name: str, args: list[str], env: dict[str, str]) -> Process:
        log = tmp_path / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", "ticketing.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT
            )
        process = Process(name, popen, log)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.popen.poll() is None:
            process.popen.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.popen.wait(timeout=BOUND)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait(timeout=BOUND)
        print(f"--- {process.name} (exit {process.popen.returncode}) ---\n{process.output()}")  # shown on failure


def test_two_web_instances_and_two_workers_share_one_database(
    postgres: Ticketing,
    database_url: str,
    tmp_path: Path,
    processes: Callable[[str, list[str], dict[str, str]], Process],
) -> None:
    engine = postgres.engine
    now = datetime.now(UTC)
    _, token = issue_staff_token(engine, REGISTRAR, now)
    _, supervisor_token = issue_staff_token(engine, SUPERVISOR, now)
    with quick_hashes():
        set_password(engine, SUPERVISOR, PASSWORD, now)
    shared = tmp_path / "shared"  # the data directory every host mounts (uploads/)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETING_")}
    env |= {
        "TICKETING_DATABASE_URL": database_url,
        "TICKETING_SECRET_KEY": TEST_SECRET_KEY,
        "TICKETING_DATA_DIR": str(shared),
        "TICKETING_SECURE_COOKIES": "0",
        "TICKETING_TIMEZONE": "Asia/Shanghai",
        "TICKETING_LOGIN_LIMIT": f"{LOGIN_LIMIT} per minute",  # counted in the database, across the instances
    }
    webs = []
    for name in ("web-a", "web-b"):
        port = _free_port()
        serve = ["serve", "--no-worker", "--workers", "1", "--host", "127.0.0.1", "--port", str(port)]
        webs.append((processes(name, serve, env), f"http://127.0.0.1:{port}"))
    workers = [processes(name, ["worker", "--safety-interval", "5"], env) for name in ("worker-1", "worker-2")]
    for process, base in webs:
        _wait(partial(_answers, base), f"{process.name} to answer", [process])
    for worker in workers:
        _wait(partial(_started, worker), f"{worker.name} to start", [worker])

    numbers = {base: [_open_ticket(base, token, i) for i in range(PER_INSTANCE)] for _, base in webs}
    opened = [number for per_instance in numbers.values() for number in per_instance]
    ids = _ticket_ids(engine, opened)
    due = datetime.now(UTC)
    _move_due(engine, {ticket_id: due + timedelta(seconds=-1 if i % 2 else 2) for i, ticket_id in enumerate(ids)})
    everyone = [p for p, _ in webs] + workers
    _wait(lambda: _handed_over(engine, ids) == len(ids), "every due deadline to fire", everyone)

    _assert_each_deadline_fired_once(engine, ids)
    fired_by = {w.name: _fired_count(w.output()) for w in workers}
    print(f"deadlines fired per worker: {fired_by}")
    assert sum(fired_by.values()) == len(ids), fired_by
    assert all(w.popen.poll() is None for w in workers), "a worker ended early"

    browser = _browser()
    first, second = (base for _, base in webs)
    _log_in(browser, first)  # one session cookie, signed with the shared key: a load balancer may send it anywhere
    ticket = opened[0]
    for base in (first, second):
        for path in ("/", "/login", "/staff/queue", f"/staff/t/{ticket}", "/supervise/board", "/supervise/rates"):
            status, page = _get(base + path, browser)
            assert status == 200, f"{base}{path} answered {status}"
        listed = _api(base, "/api/v1/tickets?limit=50", supervisor_token)["items"]
        assert {item["number"] for item in listed} == set(opened)  # opened through either instance, on both

    version = _api(second, f"/api/v1/tickets/{ticket}", supervisor_token)["version"]
    note = "二号实例写入的备注"
    _api(second, f"/api/v1/tickets/{ticket}/actions/note", supervisor_token, {"version": version, "text": note})
    status, page = _get(f"{first}/staff/t/{ticket}", browser)
    assert status == 200 and note in page
    assert _api(first, f"/api/v1/tickets/{ticket}", supervisor_token)["version"] == version + 1

    other = _browser()  # the same address: its attempts and the login above share one budget
    answers = [_try_login(other, base, PASSWORD) for base in (second, first, second, first)]
    assert [status for status, _ in answers[:-1]] == [302] * (LOGIN_LIMIT - 1)
    assert answers[-1][0] == 429 and "Too many attempts" in answers[-1][1], answers[-1]


def _assert_each_deadline_fired_once(engine: Engine, ids: list[int]) -> None:
    """One hand-over in each ticket's history, one fired deadline row, one notice per event and recipient."""
    with engine.connect() as conn:
        moves = conn.execute(
            select(history.c.ticket_id).where(
                history.c.ticket_id.in_(ids), history.c.action.in_(("handover", "escalate"))
            )
        )
        assert Counter(moves.scalars()) == dict.fromkeys(ids, 1)
        fired = conn.execute(
            select(deadlines.c.ticket_id).where(
                deadlines.c.ticket_id.in_(ids), deadlines.c.kind == "deadline", deadlines.c.status == "done"
            )
        )
        assert Counter(fired.scalars()) == dict.fromkeys(ids, 1)
        notices = conn.execute(
            select(notifications.c.ticket_id, notifications.c.event, notifications.c.recipient_id).where(
                notifications.c.ticket_id.in_(ids)
            )
        ).all()
    repeated = [notice for notice, count in Counter(notices).items() if count > 1]
    assert not repeated, f"notices written twice: {repeated}"
    assert Counter(t for t, event, _ in notices if event == "handed_over") == dict.fromkeys(ids, 1)


def _fired_count(log: str) -> int:
    return sum(int(n) for n in re.findall(r"sweep: fired (\d+)", log))


def _handed_over(engine: Engine, ids: list[int]) -> int:
    with engine.connect() as conn:
        query = select(history.c.ticket_id).where(history.c.ticket_id.in_(ids), history.c.action == "handover")
        return len(set(conn.execute(query).scalars()))


def _ticket_ids(engine: Engine, numbers: list[str]) -> list[int]:
    with engine.connect() as conn:
        found = dict(conn.execute(select(tickets.c.number, tickets.c.id).where(tickets.c.number.in_(numbers))).all())
    return [found[number] for number in numbers]


def _move_due(engine: Engine, due: dict[int, datetime]) -> None:
    """Move each ticket's pending timer and its own due time: the worker's clock is the real one."""
    with engine.begin() as conn:
        for ticket_id, at in due.items():
            conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(due_at=at))
            pending = (deadlines.c.ticket_id == ticket_id) & (deadlines.c.status == "pending")
            conn.execute(update(deadlines).where(pending).values(due_at=at))


# --- HTTP ----------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _browser() -> urllib.request.OpenerDirector:
    """A client with one cookie jar for both instances (cookies do not tell ports apart), following no redirect."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)


def _send(request: urllib.request.Request, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str]:
    request.add_header("Accept-Language", "en")
    try:
        with (opener or urllib.request.build_opener(_NoRedirect)).open(request, timeout=BOUND) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()
    except OSError:
        return 0, ""


def _get(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str]:
    return _send(urllib.request.Request(url), opener)


def _log_in(browser: urllib.request.OpenerDirector, base: str) -> None:
    status, page = _try_login(browser, base, PASSWORD)
    assert status == 302, page


def _try_login(browser: urllib.request.OpenerDirector, base: str, password: str) -> tuple[int, str]:
    status, page = _get(base + "/login", browser)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert status == 200 and found, page
    form = {"csrf_token": found.group(1), "staff_id": SUPERVISOR, "password": password}
    request = urllib.request.Request(base + "/login", data=urllib.parse.urlencode(form).encode(), method="POST")
    return _send(request, browser)


def _api(base: str, path: str, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="GET" if body is None else "POST")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    status, text = _send(request)
    assert status in (200, 201), f"{request.method} {base}{path}: {status} {text}"
    answer: dict[str, Any] = json.loads(text)
    return answer


def _open_ticket(base: str, token: str, i: int) -> str:
    body = {
        "category": "property_repair",
        "description": f"楼道灯不亮（第 {i + 1} 件）",
        "contact_phone": "13806330000",
        "location_id": "B01010101",
    }
    number: str = _api(base, "/api/v1/tickets", token, body)["number"]
    return number


# --- processes -----------------------------------------------------------------------------------------


def _answers(base: str) -> bool:
    return _get(base + "/healthz")[0] == 200


def _started(worker: Process) -> bool:
    return "worker started" in worker.output()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait(done: Callable[[], bool], what: str, watched: list[Process]) -> None:
    """Poll until ``done``; fail at once when a watched process has ended, or after ``BOUND`` seconds."""
    deadline = time.monotonic() + BOUND
    while not done():
        ended = [p.name for p in watched if p.popen.poll() is not None]
        assert not ended, f"waiting for {what}: {', '.join(ended)} ended"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
