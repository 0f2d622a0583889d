"""Hostile input: every route of the URL map and every API operation, walked with values an attacker tries.

No answer may be a server error.  The routes come from ``app.url_map`` and the
API's bodies from its OpenAPI document, so a new route or operation is walked
without a line here.  Each walk runs as an anonymous browser and as staff, a
supervisor and an admin (a logged-in session and a bearer token at once: the
pages read the one, the API the other), CSRF off so that forms reach the views:

- paths: every path parameter of every route gets every hostile value (``ENCODED``),
  the other parameters a harmless one (a real ticket number, a real staff id…);
- query strings: every route gets each of a sample of them (``SAMPLE``) in all
  the common parameters at once, and in each parameter the view reads
  (recorded while the walk asks the route without parameters) on its own;
- forms: every POST route gets the sample (and 1 MB) in all the fields it reads
  at once, and in each field on its own with harmless values in the others
  (every action of ``/staff/t/<number>/<action>``: each has its own form);
- JSON: every POST route gets bodies nested 5,000 deep, bodies that are not
  objects or not JSON; every API operation with a body (from its OpenAPI
  document) each hostile JSON value (``JSON_VALUES``) in each field.

Some requests are sent as one role instead of each, since nothing else could
differ. A request answered before any view is called (a URL that routes
nowhere, a value a before-request hook refuses) is sent as one of the roles the
route serves, in turn, and as the others only when it reached the view: routing
and those hooks do not ask who is calling. A role refused at a route (a login
page, 401, 403) is walked there only at the first route of the blueprint that
refuses it so: the refusal comes before the view reads anything, from hooks and
decorators the blueprint's routes share.

Rate limits are lifted for the walk (counted in memory, each request from its
own address): they are tested on their own, and a 429 here would hide the views.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps
from ipaddress import IPv4Address
from itertools import count
from typing import Any
from urllib.parse import quote

import pytest
from databases import EMPTY, RunDatabase
from flask import Flask
from flask.testing import FlaskClient
from passwords import quick_hashes
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import AnyConverter, Rule
from werkzeug.test import TestResponse

from ticketing.db.engine import make_engine
from ticketing.db.heartbeat import beat
from ticketing.demo import load_demo_org
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.services import Ticketing
from ticketing.services.accounts import set_password
from ticketing.services.credentials import issue_staff_token
from ticketing.web import create_app
from ticketing.web.staff.action_forms import ACTION_FORMS

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai
PASSWORD = "walker-password"
UNLIMITED = "1000000 per minute"
ROLES: dict[str, str | None] = {"anonymous": None, "staff": "S0013", "supervisor": "S0004", "admin": "S0001"}
TOKEN = "token-of-the-walked-ticket"
BUILDING_POST = "B01010101.building_leader"
MEGABYTE = "x" * 1_000_000

# Text as it reaches a path, a query string or a form: plain values (percent-encoded when sent) ...
TEXTS: tuple[str, ...] = (
    "99999999999999999999",
    "-1",
    "0",
    "1e20",
    "-1e20",
    "NaN",
    "inf",
    "1.5",
    "²",
    "٣",
    "１２",
    "\x00",
    "261123-000001\x00",
    "\x1b[31m",
    "\r\nX-Injected: 1",
    "\u202e",
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "99999999999999999999d",
    "../../etc/passwd",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "",
    " ",
    "x" * 5000,
)
# ... and bytes that are not UTF-8: a lone surrogate (ED A0 80) and bytes no UTF-8 text has.
RAW = ("%ED%A0%80", "%FF%FE")
ENCODED: tuple[str, ...] = tuple(quote(text, safe="") for text in TEXTS) + RAW
# The values for query strings and forms (all parameters or fields at once, then each alone).
SAMPLE_TEXTS = ("99999999999999999999", "-1", "1e20", "²", "٣", "\x00", "\r\nX: 1", "0001-01-01", "9999-12-31")
SAMPLE_TEXTS += ("9999-12-31T23:59", "99999999999999999999d", "x" * 5000)
SAMPLE: tuple[str, ...] = (*(quote(text, safe="") for text in SAMPLE_TEXTS), *RAW)
# A broad list of query parameters, sent all at once; what each view reads is also found by asking it.
COMMON_QUERY = ("page", "first", "last", "q", "cursor", "limit", "next", "login", "community", "street", "grid")
COMMON_QUERY += ("tier", "min_age_days", "level", "from", "to", "state", "staff", "start_date", "end_date")
COMMON_QUERY += ("service_request_id", "page_size", "status", "service_code", "lat", "long", "extensions")

DEEP = 5000
JSON_VALUES: tuple[Any, ...] = (
    10**30,
    -(10**30),
    -1,
    0,
    1e308,
    float("nan"),
    float("inf"),
    True,
    None,
    [],
    {},
    "\ud800",
    "\x00",
    "a\x1bb",
    "²",
    "٣",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01",
    "9999-12-31",
    "1e20",
    "99999999999999999999d",
    MEGABYTE,
)
# Whole bodies: nesting 5,000 deep (arrays, objects), not an object, a key that is a lone surrogate.
WHOLE_BODIES: tuple[str, ...] = (
    "[" * DEEP + "]" * DEEP,
    '{"a":' * DEEP + "1" + "}" * DEEP,
    "[]",
    '"text"',
    "1e999",
    "NaN",
    '{"\\ud800": 1}',
    "{" * 100,
    "\x00",
)

# Values that let a request get past the parts it does not walk: by parameter or field name (the last part of a
# prefixed form field such as ``note-261123-000001-version``); anything else gets "1".
HARMLESS_TEXT = {
    "token": TOKEN,
    "staff_id": "S0014",
    "post_id": BUILDING_POST,
    "lang": "en",
    "code": "property_repair",
    "rest": "services.json",
    "filename": "app.css",
    "category": "property_repair",
    "description": "楼道灯坏了",
    "contact_phone": "13912345678",
    "phone_ending": "5678",
    "building": "B01010101",
    "location_id": "B01010101",
    "channel": "walk_in",
    "notify_by": "sms",
    "holder_a": "S0015",
    "holder_b": "S0013",
    "starts_at": "2026-11-24T08:00",
    "ends_at": "2026-11-25T18:00",
    "by": "1d",
    "satisfaction": "satisfied",
    "solved": "yes",
    "means": "phone",
    "reached": "y",
    "password": "walker-password-2",
    "day": "2027-02-20",
    "kind": "workday",
}
HARMLESS_JSON: dict[str, Any] = {
    "category": "property_repair",
    "description": "楼道灯坏了",
    "contact_phone": "13912345678",
    "location_id": "B01010101",
    "channel": "walk_in",
    "notify_by": "sms",
    "starts_at": "2026-11-24T08:00:00+08:00",
    "ends_at": "2026-11-25T18:00:00+08:00",
    "by": "1d",
    "reached": True,
    "satisfaction": "satisfied",
    "solved": True,
    "means": "phone",
    "target_post": BUILDING_POST,
    "day": "2027-02-20",
    "kind": "workday",
}
PARAMETER = re.compile(r"<(?:[^<>:]+:)?(\w+)>")


class Recording(ImmutableMultiDict):  # type: ignore[type-arg]
    """Query and form values that note each name a view asks for (``READ``)."""

    def __getitem__(self, key: str) -> Any:
        READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        READ.add(str(key))
        return super().__contains__(key)

    def getlist(self, key: str, type: Callable[[str], Any] | None = None) -> list[Any]:
        READ.add(key)
        return super().getlist(key, type)


READ: set[str] = set()
REACHED = [False]  # whether the last request reached a view


def _noting_reach(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def reached(*args: Any, **kwargs: Any) -> Any:
        REACHED[0] = True
        return view(*args, **kwargs)

    return reached


@dataclass(frozen=True)
class Plain:
    """A route asked as one role with harmless values: what refused the role before the view, if anything."""

    refusal: str | None
    read: frozenset[str]


@dataclass(frozen=True)
class Audience:
    """Whom a route is walked as: the roles its view serves, and the roles refused there that are walked here."""

    serving: tuple[str, ...]
    refused: tuple[str, ...]
    reads: Mapping[str, frozenset[str]]  # the names each of them had the view read

    @property
    def roles(self) -> tuple[str, ...]:
        return self.serving + self.refused


@dataclass
class Walk:
    """The app over the demo district with one acknowledged ticket, a browser per role, and what went wrong."""

    app: Flask
    service: Ticketing
    number: str
    browsers: dict[str, FlaskClient] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    addresses: Iterator[int] = field(default_factory=lambda: count(int(IPv4Address("10.0.0.1"))))
    turns: Iterator[int] = field(default_factory=count)

    def login(self, role: str) -> None:
        browser = self.app.test_client()
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        staff_id = ROLES[role]
        if staff_id is not None:
            response = browser.post("/login", data={"staff_id": staff_id, "password": PASSWORD})
            assert response.status_code == 302, response.get_data(as_text=True)
            _id, token = issue_staff_token(self.service.engine, staff_id, NOW)
            browser.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        self.browsers[role] = browser

    def still_logged_in(self, role: str) -> None:
        """Log in again when a walked request ended the session (logging out, for one)."""
        if ROLES[role] is not None and self.browsers[role].get("/staff/queue").status_code != 200:
            self.login(role)

    def call(
        self, role: str, method: str, url: str, body: str | None = None, json_body: bool = False
    ) -> TestResponse | None:
        """Send one request; a server error (or an exception the test app lets through) is noted as a failure."""
        headers = {"Content-Type": "application/json" if json_body else "application/x-www-form-urlencoded"}
        REACHED[0] = False
        try:
            response: TestResponse = self.browsers[role].open(
                url,
                method=method,
                data=body,
                headers=headers if body is not None else {},
                environ_overrides=self._address(),
            )
        except Exception as error:  # the test app re-raises what a server would answer 500
            self._fail(role, method, url, body, f"{type(error).__name__}: {str(error)[:200]}")
            return None
        if response.status_code >= 500:
            self._fail(role, method, url, body, f"{response.status_code} {response.get_data(as_text=True)[:200]}")
        return response

    def plain(self, role: str, method: str, url: str) -> Plain:
        """Ask the route with no parameters (a form needs one value to be read): the refusal and the names read."""
        READ.clear()
        response = self.call(role, method, url, body="_walker=1" if method == "POST" else None)
        read = frozenset(READ - {"_walker"})
        if response is None or response.status_code not in (302, 401, 403):
            return Plain(None, read)
        if response.status_code == 302:
            return Plain("login" if (response.location or "").startswith("/login") else None, read)
        return Plain(str(response.status_code), read)

    def audience(self, refusals: set[tuple[str, str, str]], rule: Rule, method: str, url: str) -> Audience:
        """Ask the route as each role: those its view serves, and those refused, where walked (``_walked``)."""
        plains = {role: self.plain(role, method, url) for role in ROLES}
        serving = tuple(role for role, plain in plains.items() if plain.refusal is None)
        refused = tuple(
            role for role, plain in plains.items() if plain.refusal is not None and _walked(refusals, rule, role, plain)
        )
        return Audience(serving, refused, {role: plains[role].read for role in serving + refused})

    def send(self, audience: Audience, method: str, url: str, body: str | None = None, json_body: bool = False) -> None:
        """Send as each role; but as one serving role in turn (and no other) when it is answered before the view."""
        for role in audience.refused:
            self.call(role, method, url, body, json_body)
        if not audience.serving:
            return
        first = audience.serving[next(self.turns) % len(audience.serving)]
        self.call(first, method, url, body, json_body)
        if REACHED[0]:
            for role in audience.serving:
                if role != first:
                    self.call(role, method, url, body, json_body)

    def still_logged_in_all(self) -> None:
        for role in ROLES:
            self.still_logged_in(role)

    def _address(self) -> dict[str, str]:
        return {"REMOTE_ADDR": str(IPv4Address(next(self.addresses)))}

    def _fail(self, role: str, method: str, url: str, body: str | None, what: str) -> None:
        sent = f" body {_short(body)}" if body is not None else ""
        self.failures.append(f"{method} {_short(url)}{sent} as {role}: {what}")

    def harmless(self, name: str, converter: object = None) -> list[str]:
        """Values for a parameter or field that the walk does not aim at: real things where they matter."""
        last = name.rsplit("-", 1)[-1]
        if isinstance(converter, AnyConverter):
            return sorted(converter.items)
        if name == "action":
            return sorted(ACTION_FORMS)
        if last == "number":
            return [self.number]
        if last == "version":
            return [str(self.service.show(self.number).ticket.version)]
        return [HARMLESS_TEXT.get(last, "1")]

    def report(self) -> None:
        found, self.failures = self.failures, []
        shown = "\n".join(found[:60])
        more = f"\n… and {len(found) - 60} more" if len(found) > 60 else ""
        assert not found, f"{len(found)} server errors:\n{shown}{more}"


def _short(text: str) -> str:
    return text if len(text) <= 160 else f"{text[:150]}…({len(text)} chars)"


def _routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def _urls(
    walk: Walk, rule: Rule, hostile: str | None = None, aim: str | None = None, every: bool = False
) -> Iterator[str]:
    """The rule's URLs: ``hostile`` in parameter ``aim``, a harmless value in the others (``every`` one of them)."""
    converters = rule._converters  # the parameters' converters, which werkzeug keeps here
    options = {
        name: [hostile] if name == aim and hostile is not None else [quote(v, safe="") for v in walk.harmless(name, c)]
        for name, c in converters.items()
    }
    if not every:
        options = {name: values[:1] for name, values in options.items()}
    for choice in _combinations(options):
        yield PARAMETER.sub(lambda match, values=choice: values[match[1]], rule.rule)


def _combinations(options: Mapping[str, list[str]]) -> Iterator[dict[str, str]]:
    combos: list[dict[str, str]] = [{}]
    for name, values in options.items():
        combos = [{**combo, name: value} for combo in combos for value in values]
    return iter(combos)


def _query(pairs: Iterable[tuple[str, str]]) -> str:
    """A query string from already-encoded values."""
    return "&".join(f"{quote(name, safe='')}={value}" for name, value in pairs)


def _walked(refused: set[tuple[str, str, str]], rule: Rule, role: str, plain: Plain) -> bool:
    """Whether to walk the role at the route: wherever its view runs; where refused, once a blueprint and refusal."""
    if plain.refusal is None:
        return True
    key = (rule.endpoint.rpartition(".")[0], role, plain.refusal)  # the blueprint ("" for the app's own routes)
    if key in refused:
        return False
    refused.add(key)
    return True


@pytest.fixture(scope="module")
def walk(run_database: RunDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    database_url = run_database.url
    engine = make_engine(database_url)
    with engine.begin() as conn:
        load_demo_org(conn)
    service = create_ticketing(Settings(database_url=database_url), engine)
    settings = Settings(
        database_url=database_url,
        secret_key="walker-secret-key-" + "x" * 32,
        secure_cookies=False,
        data_dir=tmp_path_factory.mktemp("walker"),
        ratelimit_storage_uri="memory://",
        track_limit=UNLIMITED,
        login_limit=UNLIMITED,
        open311_key_limit=UNLIMITED,
        open311_address_limit=UNLIMITED,
        api_token_limit=UNLIMITED,
    )
    app = create_app(settings, service, clock=lambda: NOW, testing=True)
    app.config.update(WTF_CSRF_ENABLED=False)
    app.request_class = type("RecordingRequest", (app.request_class,), {"parameter_storage_class": Recording})
    app.view_functions.update({endpoint: _noting_reach(view) for endpoint, view in app.view_functions.items()})
    opened = service.open_ticket(
        category="property_repair",
        description="楼道灯坏了",
        contact_phone="13806335678",
        location_id="B01010101",
        access_token=TOKEN,
        now=NOW,
    )
    service.act(opened.number, "acknowledge", "S0013", NOW)
    with engine.begin() as conn:
        beat(conn, NOW)  # a worker runs: /readyz answers 200, not its honest 503
    with quick_hashes():  # the walk logs in again and again, and tries every value as a staff number
        for staff_id in filter(None, ROLES.values()):
            set_password(engine, staff_id, PASSWORD, NOW)
        walked = Walk(app, service, opened.number)
        for role in ROLES:
            walked.login(role)
        for url in ("/staff/queue", "/api/v1/queues/mine", "/admin/accounts"):  # the walk reaches the views
            assert walked.browsers["admin"].get(url).status_code == 200, url
        yield walked
    engine.dispose()
    run_database.restore(EMPTY)


def test_every_path_parameter_of_every_route(walk: Walk) -> None:
    refusals: set[tuple[str, str, str]] = set()
    for rule, method in _routes(walk.app):
        if not rule.arguments:
            continue
        audience = walk.audience(refusals, rule, method, next(_urls(walk, rule)))
        for name in rule.arguments:
            for value in ENCODED:
                for url in _urls(walk, rule, value, name):
                    walk.send(audience, method, url)
        if method == "POST":
            walk.still_logged_in_all()
    walk.report()


def test_every_query_parameter_of_every_route(walk: Walk) -> None:
    walked: set[tuple[str, frozenset[str]]] = set()
    refusals: set[tuple[str, str, str]] = set()
    for rule, method in _routes(walk.app):
        for url in _urls(walk, rule):
            audience = walk.audience(refusals, rule, method, url)
            for value in SAMPLE:
                walk.send(audience, method, f"{url}?{_query((name, value) for name in COMMON_QUERY)}")
            for role in audience.roles:
                read = audience.reads[role]
                if (url, read) not in walked:  # one role of those that read the same names
                    walked.add((url, read))
                    for name, value in ((name, value) for name in sorted(read) for value in SAMPLE):
                        walk.call(role, method, f"{url}?{_query([(name, value)])}")
            if method == "POST":
                walk.still_logged_in_all()
    walk.report()


def test_every_form_field_of_every_post_route(walk: Walk) -> None:
    walked: set[tuple[str, frozenset[str]]] = set()
    refusals: set[tuple[str, str, str]] = set()
    for rule, method in _routes(walk.app):
        if method != "POST":
            continue
        for url in _urls(walk, rule, every=True):  # every action of /staff/t/<number>/<action>: each has its form
            audience = walk.audience(refusals, rule, method, url)
            for body in WHOLE_BODIES:
                walk.send(audience, method, url, body, json_body=True)
            if not rule.endpoint.startswith("api_v1."):  # JSON only: test_every_api_body_field
                _walk_form(walk, audience, method, url, walked)
            walk.still_logged_in_all()
    walk.report()


def _walk_form(walk: Walk, audience: Audience, method: str, url: str, walked: set[tuple[str, frozenset[str]]]) -> None:
    """The sample in every field any role's view read, at once; then in each field alone, once per set of fields."""
    every = sorted(set().union(*audience.reads.values()))
    for value in (*SAMPLE, quote(MEGABYTE)):
        walk.send(audience, method, url, _query((name, value) for name in every or ["x"]))
    for role in audience.roles:
        read = audience.reads[role]
        if (url, read) not in walked:
            walked.add((url, read))
            harmless = {name: quote(walk.harmless(name)[0], safe="") for name in sorted(read)}
            for name, value in ((name, value) for name in sorted(read) for value in SAMPLE):
                walk.call(role, method, url, _query({**harmless, name: value}.items()))


def test_every_api_body_field(walk: Walk) -> None:
    described = walk.browsers["admin"].get("/api/v1/openapi.json").get_json()
    operations = [
        (path, method.upper(), operation["requestBody"]["content"]["application/json"]["schema"])
        for path, item in described["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    assert operations, "the API describes no operation with a body"
    refusals: set[tuple[str, str, str]] = set()
    for path, method, schema in operations:
        url = re.sub(r"\{(\w+)\}", lambda match: quote(walk.harmless(match[1])[0], safe=""), path)
        rule = walk.app.url_map.bind("localhost").match(url, method=method, return_rule=True)[0]
        audience = walk.audience(refusals, rule, method, url)
        if "$ref" in schema:  # a component of the generated document
            schema = described["components"]["schemas"][schema["$ref"].removeprefix("#/components/schemas/")]
        fields = schema.get("properties", {})
        for name, value in ((name, value) for name in fields for value in JSON_VALUES):
            body = json.dumps({**{key: _harmless_json(walk, key) for key in fields}, name: value})
            walk.send(audience, method, url, body, json_body=True)
    walk.report()


def _harmless_json(walk: Walk, name: str) -> Any:
    if name == "version":
        return walk.service.show(walk.number).ticket.version
    return HARMLESS_JSON.get(name, "x")
