"""The OpenAPI description of /api/v1 stays true.

The document is valid OpenAPI 3.1 and lists exactly the operations the app
routes.  One walk through the demo district then calls every documented
operation with real data and validates each response, its status and its
body, against what the document says for that operation and status
(``openapi-schema-validator``, the OpenAPI 3.1 dialect of JSON Schema, with
formats checked); at the end every response the document promises must have
been seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from ticketing.domain.volunteering.model import RegistrantKind
from ticketing.domain.volunteering.registration import Application
from ticketing.services import Ticketing
from ticketing.services.credentials import issue_staff_token

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock
BUILDING = "B01010101"  # C0101: building leader A S0013 / B S0014, grid leader A S0010, party A S0004 (supervisor)
POLICE, AUXILIARY = "C0101.community_police", "S0252"  # its second auxiliary (辅警), the third holder
METHODS = ("get", "post", "put", "patch", "delete")
DOCUMENT = "urn:ticketing:api-v1"
Operation = tuple[str, str]  # (method, path template), e.g. ("POST", "/api/v1/tickets/{number}/actions/note")


class Described:
    """The served description: checks a response against it and remembers which described responses were seen."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOCUMENT, resource)
        self.seen: set[tuple[str, str, int]] = set()

    def operations(self) -> set[Operation]:
        paths = self.document["paths"].items()
        return {(method.upper(), path) for path, item in paths for method in item if method in METHODS}

    def responses(self) -> set[tuple[str, str, int]]:
        return {
            (method, path, int(status))
            for method, path in self.operations()
            for status in self.document["paths"][path][method.lower()]["responses"]
        }

    def check(self, method: str, path: str, response: TestResponse) -> None:
        status = response.status_code
        pointer = f"/paths/{_escape(path)}/{method.lower()}/responses/{status}"
        described = self.document["paths"][path][method.lower()]["responses"].get(str(status))
        assert described is not None, f"{method} {path} answered {status}, which the description does not list"
        if "$ref" in described:
            pointer = described["$ref"].removeprefix("#")
        assert response.mimetype == "application/json", f"{method} {path} {status}: {response.mimetype}"
        schema = {"$ref": f"{DOCUMENT}#{pointer}/content/application~1json/schema"}
        validator = OAS31Validator(schema, registry=self.registry, format_checker=oas31_format_checker)
        error = best_match(validator.iter_errors(response.get_json()))
        assert error is None, f"{method} {path} {status} does not match its description: {error}"
        self.seen.add((method, path, status))


def _escape(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


def _template(rule: str) -> str:
    """``/api/v1/tickets/<number>`` → ``/api/v1/tickets/{number}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


@pytest.fixture
def described(client: FlaskClient) -> Described:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return Described(response.get_json())


def test_the_description_is_valid_openapi_3_1(described: Described) -> None:
    validate(described.document)
    assert described.document["openapi"].startswith("3.1")


def test_the_app_routes_exactly_the_described_operations(app: Flask, described: Described) -> None:
    routed = {
        (method, _template(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api_v1.")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    assert sorted(routed - described.operations()) == [], "routes missing from the description"
    assert sorted(described.operations() - routed) == [], "described operations the app does not route"


class Walk:
    """Calls as one staff member or another, each response checked against the description."""

    def __init__(self, client: FlaskClient, service: Ticketing, described: Described) -> None:
        self.client, self.described = client, described
        self.tokens = {
            staff_id: issue_staff_token(service.engine, staff_id, NOW)[1]
            for staff_id in ("S0013", "S0014", "S0004", "S0001", "S0063", "S0010", AUXILIARY)
        }

    def call(self, method: str, path: str, as_: str | None, status: int, **kwargs: Any) -> Any:
        """Call ``path`` (a described template) filled with ``kwargs['number']``; expect ``status``."""
        url = path.replace("{number}", kwargs.pop("number", "261123-999999"))
        url = url.replace("{absence_id}", str(kwargs.pop("absence_id", 999999)))
        for name in ("registrant_id", "team_id", "item_id", "claim_id"):
            url = url.replace(f"{{{name}}}", str(kwargs.pop(name, 999999)))
        url = url.replace("{day}", kwargs.pop("day", "2027-02-20")) + kwargs.pop("query", "")
        headers = {"Authorization": f"Bearer {self.tokens[as_]}"} if as_ else {}
        response = self.client.open(url, method=method, headers=headers, **kwargs)
        assert response.status_code == status, f"{method} {url}: {response.get_data(as_text=True)}"
        self.described.check(method, path, response)
        return response.get_json()


def _ticket(service: Ticketing, location: str = BUILDING, category: str = "property_repair") -> str:
    return service.open_ticket(
        category=category, description="楼道灯坏了", contact_phone="13806330000", location_id=location, now=NOW
    ).number


ACTION = "/api/v1/tickets/{number}/actions/"
BODIES: dict[str, dict[str, Any]] = {
    "acknowledge": {},
    "note": {"text": "已电话联系"},
    "transfer": {"target_post": "G010101.grid_leader", "reason": "需网格长协调"},
    "pause": {"reason": "等配件"},
    "resume": {},
    "resolve": {"resolution": "已更换灯泡"},
    "refer": {"body": "供电公司", "reason": "线路问题"},
    "callback": {"reached": True, "satisfaction": "satisfied", "solved": True, "comment": "满意"},
    "extend": {"by": "1d", "reason": "等配件"},
    "return_to_resident": {"reason": "重复提交"},
    "invite": {"post": POLICE, "reason": "请民警协助调解"},
    "release": {"post": POLICE},
    "mediate": {"outcome": "success", "agreement": "双方同意各退一步"},
    "propose_termination": {"reason": "不属于政策范围"},
    "approve_termination": {},
    "reject_termination": {"reason": "可协调物业"},
}


def _actions(walk: Walk, service: Ticketing) -> None:
    """Each action done, refused by the rules, out of sight, stale, not JSON, not fitting."""
    a, b, c, d, e = (_ticket(service) for _ in range(5))
    dispute = _ticket(service, category="neighbour_dispute")
    steps = [
        (a, "acknowledge", "S0013", 1),
        (a, "note", "S0013", 2),
        (a, "pause", "S0013", 3),
        (a, "resume", "S0013", 4),
        (a, "extend", "S0004", 5),
        (a, "resolve", "S0013", 6),
        (a, "callback", "S0013", 7),
        (b, "transfer", "S0013", 1),
        (c, "acknowledge", "S0013", 1),
        (c, "refer", "S0013", 2),
        (d, "return_to_resident", "S0013", 1),
        (dispute, "invite", "S0010", 1),
        (dispute, "mediate", AUXILIARY, 2),
        (dispute, "release", "S0010", 3),
        (dispute, "invite", "S0010", 4),
        (e, "acknowledge", "S0013", 1),
        (e, "propose_termination", "S0013", 2),
        (e, "reject_termination", "S0004", 3),
        (e, "propose_termination", "S0013", 4),
        (e, "approve_termination", "S0004", 5),
    ]
    for number, action, actor, version in steps:
        walk.call("POST", ACTION + action, actor, 200, number=number, json={"version": version, **BODIES[action]})
    closed = service.show(a).ticket
    open_ = _ticket(service)
    refusals = {
        "acknowledge": (open_, "S0004"),
        "transfer": (a, "S0013"),
        "pause": (open_, "S0004"),
        "resume": (open_, "S0013"),
        "resolve": (open_, "S0004"),
        "refer": (open_, "S0004"),
        "callback": (open_, "S0013"),
        "extend": (open_, "S0013"),
        "return_to_resident": (open_, "S0004"),
        "invite": (dispute, AUXILIARY),  # joined: sees the ticket, but may not invite others
        "release": (dispute, AUXILIARY),
        "mediate": (dispute, "S0004"),  # a supervisor oversees the mediation, the handler or the police record it
        "propose_termination": (open_, "S0004"),
        "approve_termination": (open_, "S0013"),
        "reject_termination": (open_, "S0013"),
    }
    for action, (number, actor) in refusals.items():
        version = service.show(number).ticket.version
        walk.call("POST", ACTION + action, actor, 403, number=number, json={"version": version, **BODIES[action]})
    for action, body in BODIES.items():
        path = ACTION + action
        walk.call("POST", path, "S0063", 404, number=open_, json={"version": 1, **body})
        walk.call("POST", path, "S0013", 409, number=closed.number, json={"version": 1, **body})
        walk.call("POST", path, "S0013", 400, number=open_, data="{", content_type="application/json")
        walk.call("POST", path, "S0013", 422, number=open_, json={"version": "one", **body})


def _reads(walk: Walk, service: Ticketing) -> None:
    """Lists, queues, the board, rates, the organisation and absences: read, refused, not found."""
    page = walk.call("GET", "/api/v1/tickets", "S0001", 200, query="?limit=5&open=true")
    assert page["next_cursor"]
    walk.call("GET", "/api/v1/tickets", "S0001", 200, query=f"?limit=5&cursor={page['next_cursor']}")
    walk.call("GET", "/api/v1/tickets", "S0001", 400, query="?cursor=AAAA")
    number = page["items"][0]["number"]
    walk.call("GET", "/api/v1/tickets/{number}", "S0001", 200, number=number)
    walk.call("GET", "/api/v1/tickets/{number}", "S0063", 404, number=_ticket(service))
    for queue in ("mine", "accountable", "callbacks"):
        assert walk.call("GET", f"/api/v1/queues/{queue}", "S0013", 200)["items"]
    for path in ("/api/v1/board", "/api/v1/rates", "/api/v1/queues/terminations"):
        walk.call("GET", path, "S0004", 200)
        walk.call("GET", path, "S0013", 403)
    walk.call("GET", "/api/v1/rates", "S0004", 400, query="?from=2026-11-23&to=2026-01-01")
    walk.call("GET", "/api/v1/organisation", "S0013", 200)
    walk.call("GET", "/api/v1/organisation", "S0013", 404, query="?community=C9999")
    absence = {"starts_at": "2026-11-24T08:30:00+08:00", "ends_at": "2026-11-24T18:00:00+08:00", "reason": "开会"}
    walk.call("POST", "/api/v1/absences", "S0013", 201, json=absence)
    walk.call("POST", "/api/v1/absences", "S0013", 400, json={**absence, "reason": " "})
    walk.call("POST", "/api/v1/absences", "S0013", 403, json={**absence, "staff_id": "S0014"})
    walk.call("POST", "/api/v1/absences", "S0001", 404, json={**absence, "staff_id": "S9999"})
    assert walk.call("GET", "/api/v1/absences", "S0013", 200)["items"]
    walk.call("GET", "/api/v1/absences", "S0013", 403, query="?staff=S0014")
    walk.call("GET", "/api/v1/absences", "S0001", 404, query="?staff=S9999")
    _absence_changes(walk, absence)


def _absence_changes(walk: Walk, absence: dict[str, str]) -> None:
    """End a running absence, cancel a coming one: done, refused, unknown, too late, not JSON, not fitting."""
    running = {**absence, "starts_at": "2026-11-23T08:00:00+08:00"}
    for change in ("end", "cancel"):
        path = f"/api/v1/absences/{{absence_id}}/{change}"
        absence_id = walk.call("POST", "/api/v1/absences", "S0014", 201, json=running)["id"]
        walk.call("POST", path, "S0013", 403, absence_id=absence_id)
        walk.call("POST", path, "S0014", 422, absence_id=absence_id, json={"version": 1})
        walk.call("POST", path, "S0014", 400, absence_id=absence_id, data="{", content_type="application/json")
        walk.call("POST", path, "S0001", 404, absence_id=424242)
        assert walk.call("POST", path, "S0014", 200, absence_id=absence_id, json={})["current"] is False
        walk.call("POST", path, "S0014", 409, absence_id=absence_id)
    walk.call("GET", "/api/v1/openapi.json", None, 200)


def _holidays(walk: Walk) -> None:
    """List the holidays; add and remove an override: done, refused by role or rule, duplicate, unknown."""
    assert walk.call("GET", "/api/v1/holidays", "S0013", 200)["missing_notice"] == [2027]
    add, remove = "/api/v1/holidays/overrides", "/api/v1/holidays/overrides/{day}/remove"
    override = {"day": "2027-02-20", "kind": "workday", "reason": "国办发明电"}
    walk.call("POST", add, "S0013", 403, json=override)
    walk.call("POST", add, "S0001", 201, json=override)
    walk.call("POST", add, "S0001", 409, json=override)
    walk.call("POST", add, "S0001", 400, json={**override, "day": "2030-02-06"})
    walk.call("POST", remove, "S0013", 403, day="2027-02-20")
    walk.call("POST", remove, "S0001", 422, day="2027-02-20", json={"version": 1})
    assert walk.call("POST", remove, "S0001", 200, day="2027-02-20")["reason"] == "国办发明电"
    walk.call("POST", remove, "S0001", 404, day="2027-02-20")
    walk.call("POST", remove, "S0001", 400, day="2027-02-30")


V = "/api/v1/volunteering"
NEED = {
    "community": "C0101",
    "kind": "need",
    "title": "代买药品",
    "description": "每周两次",
    "starts_on": "2026-11-23",
    "ends_on": "2026-12-20",
    "people_wanted": 2,
}
SERVED = {"served_on": "2026-11-23", "hours": 1.5, "what": "代买药品"}


def _volunteering(walk: Walk, service: Ticketing) -> None:
    """双报到 and volunteer service: each operation done, refused by the rules (403), unknown (404), over (409)."""
    apply = Application("C0101", RegistrantKind.MEMBER, "王建国", "13906331234", work_unit="区财政局")
    pending = service.volunteering.register(apply, NOW).id
    for path in ("registrations", "teams", "items", "cards"):
        query = "?from=2026-11-01&to=2026-11-30" if path == "cards" else ""
        walk.call("GET", f"{V}/{path}", "S0010", 200, query=query)
        walk.call("GET", f"{V}/{path}", "S0013", 403, query=query)
        walk.call("GET", f"{V}/{path}", "S0010", 404, query=f"{query}{'&' if query else '?'}community=C9999")
    decide = f"{V}/registrations/{{registrant_id}}/decision"
    walk.call("POST", decide, "S0010", 403, registrant_id=pending, json={"status": "approved"})
    walk.call("POST", decide, "S0004", 404, json={"status": "approved"})
    walk.call("POST", decide, "S0004", 200, registrant_id=pending, json={"status": "approved"})
    link = f"{V}/registrations/{{registrant_id}}/link"
    walk.call("POST", link, "S0013", 403, registrant_id=pending)
    walk.call("POST", link, "S0004", 404)
    walk.call("POST", link, "S0004", 200, registrant_id=pending)
    team = {"community": "C0101", "name": "先锋队", "members": [pending], "leader": pending}
    changed = {"name": "先锋队", "members": [pending], "leader": pending}
    walk.call("POST", f"{V}/teams", "S0010", 403, json=team)
    walk.call("POST", f"{V}/teams", "S0004", 404, json={"community": "C0101", "name": "先锋队", "members": [424242]})
    team_id = walk.call("POST", f"{V}/teams", "S0004", 201, json=team)["id"]
    change = f"{V}/teams/{{team_id}}"
    walk.call("POST", change, "S0010", 403, team_id=team_id, json=changed)
    walk.call("POST", change, "S0004", 404, json=changed)
    walk.call("POST", change, "S0004", 400, team_id=team_id, json={**changed, "leader": 424242})
    walk.call("POST", change, "S0004", 200, team_id=team_id, json={**changed, "name": "先锋服务队"})
    disband = f"{V}/teams/{{team_id}}/disband"
    walk.call("POST", disband, "S0010", 403, team_id=team_id)
    walk.call("POST", disband, "S0004", 404)
    walk.call("POST", disband, "S0004", 200, team_id=team_id)
    walk.call("POST", f"{V}/items", "S0013", 403, json=NEED)
    item = walk.call("POST", f"{V}/items", "S0010", 201, json=NEED)["id"]
    show, claims = f"{V}/items/{{item_id}}", f"{V}/items/{{item_id}}/claims"
    walk.call("GET", show, "S0013", 403, item_id=item)
    walk.call("GET", show, "S0010", 404)
    walk.call("GET", show, "S0010", 200, item_id=item)
    claim = {"claimant_kind": "member", "claimant_id": pending}
    walk.call("POST", claims, "S0013", 403, item_id=item, json=claim)
    walk.call("POST", claims, "S0010", 404, json=claim)
    claim_id = walk.call("POST", claims, "S0010", 201, item_id=item, json=claim)["id"]
    walk.call("POST", claims, "S0010", 409, item_id=item, json=claim)  # claimed already
    for change in ("confirm", "service", "decline"):
        path, body = f"{V}/claims/{{claim_id}}/{change}", SERVED if change == "service" else {}
        walk.call("POST", path, "S0013", 403, claim_id=claim_id, json=body)
        walk.call("POST", path, "S0010", 404, json=body)
        walk.call("POST", path, "S0010", 201 if change == "service" else 200, claim_id=claim_id, json=body)
    for change in ("close", "cancel"):
        path = f"{V}/items/{{item_id}}/{change}"
        other = walk.call("POST", f"{V}/items", "S0010", 201, json=NEED)["id"]
        walk.call("POST", path, "S0013", 403, item_id=other)
        walk.call("POST", path, "S0010", 404)
        walk.call("POST", path, "S0010", 200, item_id=other)
    number = _ticket(service)
    service.act(number, "acknowledge", "S0013", NOW)
    ask, help_ = {"title": "搬家具", "description": "挪开家具", "people_wanted": 2}, "/api/v1/tickets/{number}/help"
    walk.call("POST", help_, "S0063", 404, number=number, json=ask)
    walk.call("POST", help_, "S0004", 403, number=number, json=ask)
    walk.call("POST", help_, "S0013", 201, number=number, json=ask)
    walk.call("POST", help_, "S0013", 409, number=number, json=ask)


def _new_tickets(walk: Walk) -> None:
    body = {"category": "sanitation", "description": "垃圾没人清运", "contact_phone": "13806331111"}
    walk.call("POST", "/api/v1/tickets", "S0013", 201, json={**body, "location_id": BUILDING})
    walk.call("POST", "/api/v1/tickets", "S0013", 201, json={**body, "address": "北京路10号", "channel": "phone"})
    walk.call("POST", "/api/v1/tickets", "S0013", 400, json={**body, "location_id": BUILDING, "description": " "})
    walk.call("POST", "/api/v1/tickets", "S0013", 404, json={**body, "location_id": "B99999999"})


def _every_operation(walk: Walk, described: Described, service: Ticketing) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each operation with a request that fits it (a real ticket number and a body)."""
    number = _ticket(service)
    bodies = {
        "/api/v1/tickets": {"category": "sanitation", "description": "x", "contact_phone": "13806331111"},
        "/api/v1/absences": {"starts_at": "2026-12-01T08:00:00Z", "ends_at": "2026-12-02T08:00:00Z", "reason": "x"},
        "/api/v1/absences/{absence_id}/end": {},
        "/api/v1/absences/{absence_id}/cancel": {},
        "/api/v1/holidays/overrides": {"day": "2027-02-20", "kind": "workday", "reason": "x"},
        "/api/v1/holidays/overrides/{day}/remove": {},
        f"{V}/registrations/{{registrant_id}}/decision": {"status": "approved"},
        f"{V}/registrations/{{registrant_id}}/link": {},
        f"{V}/teams": {"community": "C0101", "name": "先锋队"},
        f"{V}/teams/{{team_id}}": {"name": "先锋队", "members": []},
        f"{V}/teams/{{team_id}}/disband": {},
        f"{V}/items": NEED,
        f"{V}/items/{{item_id}}/close": {},
        f"{V}/items/{{item_id}}/cancel": {},
        f"{V}/items/{{item_id}}/claims": {"claimant_kind": "member", "claimant_id": 1},
        f"{V}/claims/{{claim_id}}/confirm": {},
        f"{V}/claims/{{claim_id}}/decline": {},
        f"{V}/claims/{{claim_id}}/service": SERVED,
        "/api/v1/tickets/{number}/help": {"title": "x", "description": "x", "people_wanted": 1},
    }
    for method, path in sorted(described.operations()):
        body = bodies[path] if path in bodies else {"version": 1, **BODIES.get(path.removeprefix(ACTION), {})}
        yield method, path, {"number": number, **({"json": body} if method == "POST" else {})}


def _every_operation_refuses(walk: Walk, described: Described, service: Ticketing, app: Flask) -> None:
    """Without a token (401), with a value the description does not have (422) or no request may carry (400),
    a body over 64 KiB (413), too often (429)."""
    operations = [op for op in _every_operation(walk, described, service) if op[1] != "/api/v1/openapi.json"]
    for method, path, request in operations:
        walk.call(method, path, None, 401, **request)
        unknown = {"json": {**request["json"], "colour": "red"}} if "json" in request else {"query": "?colour=red"}
        walk.call(method, path, "S0001", 422, **{**request, **unknown})
        walk.call(method, path, "S0001", 400, **{**request, "query": "?colour=%00"})
        if "json" in request:
            walk.call(method, path, "S0001", 413, **{**request, "json": {**request["json"], "text": "x" * 70_000}})
    app.extensions["ticketing_settings"] = replace(app.extensions["ticketing_settings"], api_token_limit="1 per minute")
    walk.call("GET", "/api/v1/queues/mine", "S0014", 200)  # S0014's one call of the minute
    for method, path, request in operations:
        walk.call(method, path, "S0014", 429, **request)


@pytest.mark.usefixtures("demo_tickets")
def test_every_described_response_happens_and_matches_its_description(
    app: Flask, client: FlaskClient, service: Ticketing, described: Described
) -> None:
    walk = Walk(client, service, described)

    _actions(walk, service)
    _reads(walk, service)
    _new_tickets(walk)
    _holidays(walk)
    _volunteering(walk, service)
    _every_operation_refuses(walk, described, service, app)

    missing = sorted(described.responses() - described.seen)
    assert missing == [], f"described responses never seen: {missing}"
