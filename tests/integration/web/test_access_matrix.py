"""The access matrix of the whole web app: every route, every audience, one test per cell.

``MATRIX`` lists each route (endpoint and method) with the URL to call, the form to send and what each
audience gets.  A route the table does not list fails ``test_the_matrix_lists_every_route``, so no new page
ships without its row.  A refused request must change nothing in the database; an allowed action must.
The cells share one district, restored only after a request changed it (see ``District``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from databases import EMPTY, RunDatabase
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from jinja2 import Template
from passwords import quick_hashes
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import Engine, select, update
from werkzeug.test import TestResponse

from ticketing.db.engine import make_engine
from ticketing.db.schema import attachments, metadata, notifications, rate_limits
from ticketing.demo import load_demo_org
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.domain.volunteering.model import ItemKind, RegistrantKind, RegistrationStatus
from ticketing.domain.volunteering.registration import Application
from ticketing.domain.volunteering.service_list import Draft
from ticketing.services import NewAttachment, Ticketing, accounts
from ticketing.services.volunteering import Registered
from ticketing.web import create_app
from ticketing.web.extensions import limiter

Form = Callable[["World"], dict[str, Any]]

WEB_NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock: Monday 09:00 in Shanghai
PHONE = "13806335678"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PASSWORD = "matrix-password"
DAY = timedelta(days=1)
BUILDING_POST = "B01010101.building_leader"  # A S0013, B S0014
OVERRIDDEN = "2027-02-20"  # a make-up workday an admin entered

# The audiences, in the order of the table's columns.
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "unrelated_staff": "S0063",  # building leader A of B01020101, in another community (C0102)
    "staff": "S0013",  # building leader A of B01010101: holds the ticket
    "other_supervisor": "S0055",  # community party A of C0102
    "supervisor": "S0004",  # community party A of C0101, the ticket's community
    "street_supervisor": "S0002",  # street committee A of ST01, the ticket's street
    "admin": "S0001",
}

# Outcomes: a page or a redirect elsewhere; the login page; the error page (access control or an unknown
# thing); or the page itself re-shown with a business rule's refusal and its status.
OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "forbidden", "not_found"
REFUSED_403, REFUSED_409 = "refused 403", "refused 409"

Row = tuple[str, str, str, str, str, str, str]
EVERYONE: Row = (OK, OK, OK, OK, OK, OK, OK)
NOBODY: Row = (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
NOTHING_THERE: Row = (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)  # log in to find out
ANY_STAFF: Row = (LOGIN, OK, OK, OK, OK, OK, OK)
SUPERVISORS: Row = (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK, OK)
ADMIN: Row = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
OWN_OR_ADMIN: Row = (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)  # S0013's absence
OWN_OR_ADMIN_NOT_YET: Row = (LOGIN, FORBIDDEN, REFUSED_409, FORBIDDEN, FORBIDDEN, FORBIDDEN, REFUSED_409)
COMMUNITY_STAFF: Row = (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK)  # S0013 is a volunteer post: no staff
C0101_STAFF: Row = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK)  # staff of the item's community
NO_SUCH_ITEM: Row = (LOGIN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND)


@dataclass(frozen=True)
class World:
    """What the URLs and forms refer to."""

    number: str  # opened at B01010101 with a photo and a private link, acknowledged by S0013
    token: str
    version: int
    photo: int
    resolved: str  # another resident's (also with a photo), resolved by S0013, waiting for their feedback
    resolved_token: str
    resolved_version: int
    proposed: str  # a third, acknowledged by S0013, who proposed 诉求终结: a supervisor's decision awaits
    proposed_version: int
    other_photo: int  # the other resident's photo
    dead_notice: int  # a notice about the resolved ticket that the outbox gave up on
    live_notice: int  # a notice about the first ticket, still queued
    absence: int  # S0013's absence from tomorrow: only S0013 and admins may cancel it, nobody can end it yet
    # 双报到 in C0101 (managed by S0004, not by S0013 — a volunteer post — nor by C0102's S0055):
    member: int  # an approved in-service party member, leader of ``team``
    link: str  # the secret of that member's own link
    pending_registrant: int  # a registration waiting for approval
    team: int  # a volunteer team of C0101
    item: int  # an open need of C0101's service list, five people wanted
    claim: int  # a pending claim of ``item`` by another approved member
    need: int  # a need for volunteer help made from the first ticket by S0013


@dataclass(frozen=True)
class Case:
    """One row: a route called one way, and what each audience gets."""

    endpoint: str
    method: str
    url: str  # formatted with the ``World``'s fields
    expect: Row
    form: Form | None = None
    writes: bool = False  # whether an allowed call changes the database
    variant: str = ""  # tells several rows of one route apart

    @property
    def name(self) -> str:
        return f"{self.endpoint}:{self.method}" + (f"[{self.variant}]" if self.variant else "")


def _upload() -> dict[str, Any]:
    roster = "岗位,单位编号,AB岗,工号\n楼长,B01010101,A,S0015\n楼长,B01010101,B,S0013\n"
    return {"files": [(io.BytesIO(roster.encode()), "roster.csv")]}


def _absence(**fields: str) -> dict[str, Any]:
    return {"starts_at": "2026-11-24T08:00", "ends_at": "2026-11-25T18:00", "reason": "年假"} | fields


def _staff_note(stale: bool) -> Form:
    return lambda w: {"note-version": w.version - (1 if stale else 0), "note-text": "已电话联系居民"}


def _board(action: str, stale: bool = False, **fields: str) -> Form:
    return lambda w: (
        {f"{action}-{w.number}-version": w.version - (1 if stale else 0)}
        | {f"{action}-{w.number}-{name}": value for name, value in fields.items()}
    )


# 双报到: forms of the community pages (COMMUNITY_STAFF: any community's staff, S0055 sees C0102's lists;
# C0101_STAFF: C0101's registrations, teams and items; S0013's building post is a volunteer post, S0002 works for
# the street).


def _served(**fields: str) -> dict[str, Any]:
    return {"served_on": "2026-11-20", "hours": "2", "what": "社区联建活动"} | fields


def _registrants_file() -> dict[str, Any]:
    rows = "类型,名称,电话,工作单位\n党员,周强,13906336666,区教育局\n"
    return {"community": "C0101", "file": [(io.BytesIO(rows.encode()), "registrants.csv")]}


def _team(w: World, name: str, brand: str = "邻里红马甲") -> dict[str, Any]:
    return {
        "community": "C0101",
        "name": name,
        "brand": brand,
        "members": str(w.member),
        "leader": str(w.member),
    }


def _item(**fields: str) -> dict[str, Any]:
    item = {"community": "C0101", "kind": "project", "title": "周末环境整治", "description": "清理小区公共区域杂物"}
    return item | {"starts_on": "2026-11-28", "ends_on": "2026-11-29", "people": "10", "hours_each": "3"} | fields


def _help() -> dict[str, Any]:
    fields = {"title": "帮忙清理楼道", "description": "楼道杂物较多，需要两人协助搬运", "people": "2"}
    return {f"help-{name}": value for name, value in (fields | {"hours_each": "2", "ends_on": "2026-11-30"}).items()}


_REQUEST = {
    "category": "property_repair",
    "description": "楼道灯坏了",
    "community": "",
    "building": "B01010101",
    "place": "",
    "address": "",
    "contact_phone": "13912345678",
    "contact_name": "张阿姨",
}
_VOLUNTEER = {
    "community": "C0101",
    "kind": "member",
    "name": "钱进",
    "phone": "13906339999",
    "work_unit": "区教育局",
    "hours_per_month": "4",
}
_REGISTER = {
    "channel": "walk_in",
    "category": "property_repair",
    "description": "楼道灯坏了",
    "location_id": "",
    "address": "海曲东路10号阳光小区1号楼",
    "contact_phone": "13912345678",
    "contact_name": "张阿姨",
}

# Columns: anonymous, unrelated staff, staff (S0013), other supervisor, supervisor (S0004), street, admin.
MATRIX: tuple[Case, ...] = (
    # --- the frame and logging in
    Case("home", "GET", "/", EVERYONE),
    Case("ops.healthz", "GET", "/healthz", EVERYONE),
    Case("ops.readyz", "GET", "/readyz", ("refused 503",) * 7),  # the same to all: no worker beats here
    Case("ops.metrics", "GET", "/metrics", ("refused 401",) * 7),  # a scraper's token, not a login (test_headers)
    # --- Open311: public reads, keyed writes (the API key rules themselves: tests/integration/api/test_open311.py)
    Case("open311.openapi", "GET", "/open311/v2/openapi.json", EVERYONE),
    Case("open311.discovery", "GET", "/open311/v2/discovery.xml", EVERYONE),
    Case("open311.services", "GET", "/open311/v2/services.json", EVERYONE),
    Case("open311.service_definition", "GET", "/open311/v2/services/property_repair.xml", EVERYONE),
    Case("open311.service_definition_singular", "GET", "/open311/v2/service/property_repair.json", EVERYONE),
    Case("open311.list_requests", "GET", "/open311/v2/requests.json", EVERYONE),
    Case("open311.show_request", "GET", "/open311/v2/requests/{number}.xml", EVERYONE),
    Case("open311.token_lookup", "GET", "/open311/v2/tokens/{token}.json", EVERYONE),
    Case("open311.create_request", "POST", "/open311/v2/requests.json", (REFUSED_403,) * 7),  # no api_key
    Case("open311.unknown", "GET", "/open311/v2/potholes.json", ("refused 404",) * 7),
    Case("open311.unknown", "POST", "/open311/v2/services.json", ("refused 405",) * 7),
    Case("status", "GET", "/status", EVERYONE),
    Case("webapp.manifest", "GET", "/manifest.webmanifest", EVERYONE),
    Case("webapp.start", "GET", "/start", EVERYONE),  # a staff member's own list, a resident's home page
    Case("auth.login", "GET", "/login", EVERYONE),
    Case("auth.login", "POST", "/login", EVERYONE, lambda w: {"staff_id": "S0014", "password": PASSWORD}),
    Case("auth.logout", "POST", "/logout", ANY_STAFF),
    Case("auth.language", "POST", "/language/en", EVERYONE, lambda w: {"next": "/"}),
    # --- residents: no account; the private link is the key, a tracking number alone opens nothing
    Case("resident.new_request", "GET", "/r/new", EVERYONE),
    Case("resident.new_request", "POST", "/r/new", EVERYONE, lambda w: _REQUEST, writes=True),
    Case("resident.receipt", "GET", "/r/receipt", EVERYONE),  # nothing opened: back to the form
    Case("resident.track", "GET", "/r/track", EVERYONE),
    Case("resident.track", "POST", "/r/track", EVERYONE, lambda w: {"number": w.number, "phone_ending": "5678"}),
    Case("resident.link", "GET", "/r/t/{token}", EVERYONE),
    Case("resident.link", "GET", "/r/t/not-a-token", NOBODY, variant="wrong token"),
    Case(
        "resident.link",
        "POST",
        "/r/t/{resolved_token}",
        EVERYONE,
        lambda w: {"satisfaction": "satisfied", "solved": "yes", "version": w.resolved_version},
        writes=True,
    ),
    Case("resident.link_photo", "GET", "/r/t/{token}/photos/{photo}", EVERYONE),
    Case("resident.link_photo", "GET", "/r/t/{token}/photos/{other_photo}", NOBODY, variant="another's photo"),
    Case("resident.status", "GET", "/r/status/{number}", NOBODY),  # this browser did not track it
    Case(
        "resident.status",
        "POST",
        "/r/status/{resolved}",
        NOBODY,
        lambda w: {"satisfaction": "unsatisfied", "solved": "no", "version": w.resolved_version},
    ),
    Case("resident.status_photo", "GET", "/r/status/{number}/photos/{photo}", NOBODY),
    # --- 双报到: the public pages and a registrant's own link (vol-public)
    Case("volunteer.register", "GET", "/v/register", EVERYONE),
    Case("volunteer.register", "POST", "/v/register", EVERYONE, lambda w: _VOLUNTEER),  # the preview: no write
    Case(
        "volunteer.register",
        "POST",
        "/v/register",
        EVERYONE,
        lambda w: _VOLUNTEER | {"step": "confirm"},
        writes=True,
        variant="confirmed",
    ),
    Case(
        "volunteer.register",
        "POST",
        "/v/register",
        (REFUSED_409,) * 7,
        lambda w: _VOLUNTEER | {"phone": "13906331234", "step": "confirm"},
        variant="phone registered already",
    ),
    Case("volunteer.registered", "GET", "/v/registered", EVERYONE),  # nothing registered: back to the form
    Case("volunteer.me", "GET", "/v/me/{link}", EVERYONE),
    Case("volunteer.me", "GET", "/v/me/not-a-link", NOBODY, variant="wrong link"),
    Case("volunteer.items", "GET", "/v/me/{link}/items", EVERYONE),
    Case("volunteer.items", "GET", "/v/me/not-a-link/items", NOBODY, variant="wrong link"),
    Case("volunteer.claim", "POST", "/v/me/{link}/claims", EVERYONE, lambda w: {"item_id": w.item}, writes=True),
    Case(
        "volunteer.claim",
        "POST",
        "/v/me/{link}/claims",
        EVERYONE,
        lambda w: {"item_id": w.item, "team_id": w.team, "people": 1},
        writes=True,
        variant="for the team",
    ),
    Case(
        "volunteer.claim",
        "POST",
        "/v/me/not-a-link/claims",
        NOBODY,
        lambda w: {"item_id": w.item},
        variant="wrong link",
    ),
    Case(
        "volunteer.withdraw",
        "POST",
        "/v/me/{link}/claims/{claim}/withdraw",
        (REFUSED_403,) * 7,
        variant="someone else's claim",
    ),
    Case("volunteer.withdraw", "POST", "/v/me/not-a-link/claims/{claim}/withdraw", NOBODY, variant="wrong link"),
    Case("volunteer.service_list", "GET", "/v/list/C0101", EVERYONE),
    Case("volunteer.service_list", "GET", "/v/list/C9999", NOBODY, variant="no such community"),
    # --- staff: every login has its own lists; a ticket out of scope does not exist for them (404, also on POST)
    Case("staff.queue", "GET", "/staff/queue", ANY_STAFF),
    Case("staff.accountable", "GET", "/staff/accountable", ANY_STAFF),
    Case("staff.callbacks", "GET", "/staff/callbacks", ANY_STAFF),
    Case("staff.register", "GET", "/staff/register", ANY_STAFF),
    Case("staff.register", "POST", "/staff/register", ANY_STAFF, lambda w: _REGISTER, writes=True),
    Case("staff.absence", "GET", "/staff/absence", ANY_STAFF),
    Case("staff.absence", "POST", "/staff/absence", ANY_STAFF, lambda w: _absence(), writes=True),
    Case("staff.cancel_absence", "POST", "/staff/absence/{absence}/cancel", OWN_OR_ADMIN, writes=True),
    Case("staff.cancel_absence", "POST", "/staff/absence/999999/cancel", NOTHING_THERE, variant="unknown"),
    Case("staff.end_absence", "POST", "/staff/absence/{absence}/end", OWN_OR_ADMIN_NOT_YET),
    Case("staff.ticket", "GET", "/staff/t/{number}", (LOGIN, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    Case("staff.ticket", "GET", "/staff/t/000000-999999", NOTHING_THERE, variant="unknown"),
    Case("staff.photo", "GET", "/staff/t/{number}/photos/{photo}", (LOGIN, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK)),
    Case(
        "staff.photo",
        "GET",
        "/staff/t/{number}/photos/{other_photo}",
        (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        variant="another ticket's photo",
    ),
    Case(
        "staff.small_photo",
        "GET",
        "/staff/t/{number}/photos/{photo}/small",
        (LOGIN, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK),
    ),
    Case(
        "staff.small_photo",
        "GET",
        "/staff/t/{number}/photos/{other_photo}/small",
        (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        variant="another ticket's photo",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{number}/note",
        (LOGIN, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK),
        _staff_note(stale=False),
        writes=True,
        variant="note",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{number}/note",
        (LOGIN, NOT_FOUND, REFUSED_409, NOT_FOUND, REFUSED_409, REFUSED_409, REFUSED_409),
        _staff_note(stale=True),
        variant="stale note",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{number}/resolve",
        (LOGIN, NOT_FOUND, OK, NOT_FOUND, REFUSED_403, REFUSED_403, REFUSED_403),  # holders only
        lambda w: {"resolve-version": w.version, "resolve-resolution": "已更换楼道灯"},
        writes=True,
        variant="resolve",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{number}/extend",
        (LOGIN, NOT_FOUND, REFUSED_403, NOT_FOUND, OK, OK, OK),  # supervisors only
        lambda w: {"extend-version": w.version, "extend-by": "1d", "extend-reason": "需协调物业"},
        writes=True,
        variant="extend",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{number}/invite",
        (LOGIN, NOT_FOUND, OK, NOT_FOUND, OK, OK, OK),  # the holders, the first responder and supervisors (协同)
        lambda w: {"invite-version": w.version, "invite-post": "C0101.community_police", "invite-reason": "请民警协助"},
        writes=True,
        variant="invite",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{resolved}/callback",
        (LOGIN, NOT_FOUND, OK, NOT_FOUND, REFUSED_403, REFUSED_403, REFUSED_403),  # the callers: S0013 and S0014
        lambda w: {
            "callback-version": w.resolved_version,
            "callback-means": "phone",
            "callback-reached": "yes",
            "callback-solved": "yes",
            "callback-satisfaction": "satisfied",
        },
        writes=True,
        variant="callback",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{number}/release",
        (LOGIN, NOT_FOUND, REFUSED_403, NOT_FOUND, REFUSED_403, REFUSED_403, REFUSED_403),  # nobody joined it
        lambda w: {"release-version": w.version, "release-post": "C0101.community_police"},
        variant="release",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{number}/propose_termination",
        (LOGIN, NOT_FOUND, OK, NOT_FOUND, REFUSED_403, REFUSED_403, REFUSED_403),  # holders only
        lambda w: {"propose_termination-version": w.version, "propose_termination-reason": "不属于政策范围"},
        writes=True,
        variant="propose termination",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{number}/mediate",
        (LOGIN, NOT_FOUND, REFUSED_403, NOT_FOUND, REFUSED_403, REFUSED_403, REFUSED_403),  # not a dispute
        lambda w: {"mediate-version": w.version, "mediate-outcome": "failed"},
        variant="mediate",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{proposed}/approve_termination",
        (LOGIN, NOT_FOUND, REFUSED_403, NOT_FOUND, OK, OK, OK),  # supervisors decide
        lambda w: {"approve_termination-version": w.proposed_version},
        writes=True,
        variant="approve termination",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{proposed}/reject_termination",
        (LOGIN, NOT_FOUND, REFUSED_403, NOT_FOUND, OK, OK, OK),
        lambda w: {"reject_termination-version": w.proposed_version, "reject_termination-reason": "仍可协调物业"},
        writes=True,
        variant="reject termination",
    ),
    Case(
        "staff.act",
        "POST",
        "/staff/t/{number}/delete",
        NOTHING_THERE,
        lambda w: {"delete-version": w.version},
        variant="no such action",
    ),
    # --- 双报到: registrations, teams and record cards (vol-people)
    Case("community.registrations", "GET", "/community/registrations", COMMUNITY_STAFF),
    Case("community.registrant", "GET", "/community/registrations/{pending_registrant}", C0101_STAFF),
    Case(
        "community.registrant",
        "GET",
        "/community/registrations/999999",
        (LOGIN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND),
        variant="unknown",
    ),
    Case(
        "community.decide",
        "POST",
        "/community/registrations/{pending_registrant}/decide",
        C0101_STAFF,
        lambda w: {"status": "approved"},
        writes=True,
    ),
    Case(
        "community.decide",
        "POST",
        "/community/registrations/{member}/decide",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REFUSED_403, FORBIDDEN, REFUSED_403),
        lambda w: {"status": "pending"},
        variant="no such move",
    ),
    Case("community.issue_link", "POST", "/community/registrations/{member}/link", C0101_STAFF, writes=True),
    Case(
        "community.record_registrant",
        "POST",
        "/community/registrations/{member}/service",
        C0101_STAFF,
        lambda w: _served(),
        writes=True,
    ),
    Case("community.import_registrants", "GET", "/community/registrations/import", COMMUNITY_STAFF),
    Case(
        "community.import_registrants",
        "POST",
        "/community/registrations/import",
        C0101_STAFF,
        lambda w: _registrants_file(),
        writes=True,
    ),
    Case("community.teams", "GET", "/community/teams", COMMUNITY_STAFF),
    Case("community.new_team", "GET", "/community/teams/new", COMMUNITY_STAFF),
    Case(
        "community.new_team",
        "POST",
        "/community/teams/new",
        C0101_STAFF,
        lambda w: _team(w, "新时代服务队"),
        writes=True,
    ),
    Case("community.team", "GET", "/community/teams/{team}", C0101_STAFF),
    Case(
        "community.team",
        "POST",
        "/community/teams/{team}",
        C0101_STAFF,
        lambda w: _team(w, "红马甲服务队", "红色驿站"),
        writes=True,
    ),
    Case("community.disband_team", "POST", "/community/teams/{team}/disband", C0101_STAFF, writes=True),
    Case(
        "community.record_team",
        "POST",
        "/community/teams/{team}/service",
        C0101_STAFF,
        lambda w: _served(people="3"),
        writes=True,
    ),
    Case("community.cards", "GET", "/community/cards", COMMUNITY_STAFF),
    Case("community.cards_export", "GET", "/community/cards.csv", COMMUNITY_STAFF, variant="csv"),
    Case("community.cards_export", "GET", "/community/cards.xlsx", COMMUNITY_STAFF, variant="xlsx"),
    Case(
        "community.cards_export",
        "GET",
        "/community/cards.pdf",
        (LOGIN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND),
        variant="no such format",
    ),
    # --- 双报到: a community's service list and help with tickets (vol-list)
    Case("community.service_list", "GET", "/community/list", COMMUNITY_STAFF),
    Case("community.new_item", "GET", "/community/list/new", COMMUNITY_STAFF),
    Case("community.new_item", "POST", "/community/list/new", C0101_STAFF, lambda w: _item(), writes=True),
    Case(
        "community.new_item",
        "POST",
        "/community/list/new",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, "refused 400", FORBIDDEN, "refused 400"),
        lambda w: _item(starts_on="2026-11-01", ends_on="2026-11-02"),
        variant="last day passed",
    ),
    Case("community.item", "GET", "/community/list/{item}", C0101_STAFF),
    Case("community.item", "GET", "/community/list/{need}", C0101_STAFF, variant="need from a ticket"),
    Case("community.item", "GET", "/community/list/999999", NO_SUCH_ITEM, variant="unknown"),
    Case("community.close_item", "POST", "/community/list/{item}/close", C0101_STAFF, writes=True),
    Case("community.close_item", "POST", "/community/list/999999/close", NO_SUCH_ITEM, variant="unknown"),
    Case("community.cancel_item", "POST", "/community/list/{need}/cancel", C0101_STAFF, writes=True),
    Case(
        "community.enter_claim",
        "POST",
        "/community/list/{item}/claims",
        C0101_STAFF,
        lambda w: {"claimant": f"member:{w.member}", "people": "1"},
        writes=True,
    ),
    Case(
        "community.enter_claim",
        "POST",
        "/community/list/{item}/claims",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REFUSED_403, FORBIDDEN, REFUSED_403),
        lambda w: {"claimant": f"member:{w.pending_registrant}", "people": "1"},
        variant="not approved",
    ),
    Case(
        "community.enter_claim",
        "POST",
        "/community/list/{item}/claims",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, "refused 400", FORBIDDEN, "refused 400"),
        lambda w: {"claimant": "nobody", "people": "1"},
        variant="no claimant",
    ),
    Case("community.confirm_claim", "POST", "/community/claims/{claim}/confirm", C0101_STAFF, writes=True),
    Case("community.confirm_claim", "POST", "/community/claims/999999/confirm", NO_SUCH_ITEM, variant="unknown"),
    Case(
        "community.decline_claim",
        "POST",
        "/community/claims/{claim}/decline",
        C0101_STAFF,
        lambda w: {"reason": "人数已满"},
        writes=True,
    ),
    Case(
        "community.record_claim",
        "POST",
        "/community/claims/{claim}/service",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REFUSED_403, FORBIDDEN, REFUSED_403),  # not confirmed yet
        lambda w: {"served_on": "2026-11-23", "hours": "2", "what": "代买药品", "people": "1"},
        variant="pending claim",
    ),
    Case(
        "staff.ask_help",
        "POST",
        "/staff/tickets/{number}/help",
        (LOGIN, NOT_FOUND, REFUSED_409, NOT_FOUND, REFUSED_403, REFUSED_403, REFUSED_403),  # a need is open already
        lambda w: _help(),
        variant="need open already",
    ),
    Case(
        "staff.ask_help",
        "POST",
        "/staff/tickets/{proposed}/help",
        (LOGIN, NOT_FOUND, OK, NOT_FOUND, REFUSED_403, REFUSED_403, REFUSED_403),  # the holders, the first responder
        lambda w: _help(),
        writes=True,
    ),
    # --- supervisors: their area; a ticket outside it does not exist for them
    Case("supervisor.board", "GET", "/supervise/board", SUPERVISORS),
    Case("supervisor.board_csv", "GET", "/supervise/board.csv", SUPERVISORS),
    Case("supervisor.board_xlsx", "GET", "/supervise/board.xlsx", SUPERVISORS),
    Case("supervisor.rates", "GET", "/supervise/rates", SUPERVISORS),
    Case("supervisor.rates_csv", "GET", "/supervise/rates.csv", SUPERVISORS),
    Case("supervisor.rates_xlsx", "GET", "/supervise/rates.xlsx", SUPERVISORS),
    Case("supervisor.workflows", "GET", "/supervise/workflows", SUPERVISORS),
    Case("supervisor.terminations", "GET", "/supervise/terminations", SUPERVISORS),
    Case(
        "supervisor.note",
        "POST",
        "/supervise/board/{number}/note",
        (LOGIN, FORBIDDEN, FORBIDDEN, NOT_FOUND, OK, OK, OK),
        _board("note", text="请加快处理"),
        writes=True,
    ),
    Case(
        "supervisor.note",
        "POST",
        "/supervise/board/{number}/note",
        (LOGIN, FORBIDDEN, FORBIDDEN, NOT_FOUND, REFUSED_409, REFUSED_409, REFUSED_409),
        _board("note", stale=True, text="请加快处理"),
        variant="stale",
    ),
    Case(
        "supervisor.extend",
        "POST",
        "/supervise/board/{number}/extend",
        (LOGIN, FORBIDDEN, FORBIDDEN, NOT_FOUND, OK, OK, OK),
        _board("extend", by="1d", reason="需协调物业"),
        writes=True,
    ),
    # --- 双报到: the supervisors' figures (vol-supervise)
    Case("supervisor.volunteers", "GET", "/supervise/volunteers", SUPERVISORS),
    # --- admins only
    Case("admin.organisation", "GET", "/admin/organisation", ADMIN),
    Case("admin.holders", "GET", f"/admin/posts/{BUILDING_POST}/holders", ADMIN),
    Case(
        "admin.holders",
        "POST",
        f"/admin/posts/{BUILDING_POST}/holders",
        ADMIN,
        lambda w: {"holder_a": "S0015", "holder_b": "S0013"},
        writes=True,
    ),
    Case("admin.import_files", "GET", "/admin/import", ADMIN),
    Case("admin.import_files", "POST", "/admin/import", ADMIN, lambda w: _upload(), writes=True),
    Case("admin.absences", "GET", "/admin/absences", ADMIN),
    Case("admin.absences", "POST", "/admin/absences", ADMIN, lambda w: _absence(staff_id="S0013"), writes=True),
    Case("admin.cancel_absence", "POST", "/admin/absences/{absence}/cancel", ADMIN, writes=True),
    Case("admin.end_absence", "POST", "/admin/absences/{absence}/end", (*ADMIN[:-1], REFUSED_409)),
    Case("admin.calendars", "GET", "/admin/calendars", ADMIN),
    Case(
        "admin.add_holiday_override",
        "POST",
        "/admin/calendars/holidays",
        ADMIN,
        lambda w: {"day": "2027-02-21", "kind": "workday", "reason": "国办发明电"},
        writes=True,
    ),
    Case(
        "admin.add_holiday_override",
        "POST",
        "/admin/calendars/holidays",
        (*ADMIN[:-1], REFUSED_409),
        lambda w: {"day": OVERRIDDEN, "kind": "holiday", "reason": "again"},
        variant="date already overridden",
    ),
    Case("admin.remove_holiday_override", "POST", f"/admin/calendars/holidays/{OVERRIDDEN}/remove", ADMIN, writes=True),
    Case(
        "admin.remove_holiday_override",
        "POST",
        "/admin/calendars/holidays/2027-02-21/remove",
        (*ADMIN[:-1], "refused 404"),
        variant="no override",
    ),
    Case("admin.outbox", "GET", "/admin/outbox", ADMIN),
    Case("admin.retry_notice", "POST", "/admin/outbox/{dead_notice}/retry", ADMIN, writes=True),
    Case(
        "admin.retry_notice",
        "POST",
        "/admin/outbox/{live_notice}/retry",
        (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REFUSED_409),
        variant="not dead",
    ),
    Case("admin.audit", "GET", "/admin/audit", ADMIN),
    Case("admin.accounts", "GET", "/admin/accounts", ADMIN),
    Case("admin.account", "GET", "/admin/accounts/S0014", ADMIN),
    Case(
        "admin.set_password",
        "POST",
        "/admin/accounts/S0014/password",
        ADMIN,
        lambda w: {"password": "taken-over-1"},
        writes=True,
    ),
    Case("admin.deactivate", "POST", "/admin/accounts/S0014/deactivate", ADMIN, writes=True),
    Case("admin.activate", "POST", "/admin/accounts/S0015/activate", ADMIN, writes=True),  # S0015 is inactive
)


# --- the district the cells share -----------------------------------------------------------------


class District:
    """The demo district with its tickets and accounts, and the app over it, shared by the cells.

    Most cells change nothing (every refused request is checked to change nothing), so the cells share one
    district; after a request changed the database, the district as first built is restored (a saved state of
    the run's database, ``tests/databases.py``) under a new app.
    """

    def __init__(self, run: RunDatabase, instance: Path) -> None:
        self.run = run
        self.instance = instance
        self.engine = make_engine(run.url)
        self.dirty = True

    def fresh(self) -> tuple[Flask, Ticketing, World]:
        """The app, the service and the world, as set up (made again if the last cell changed something)."""
        if self.dirty:
            self.service = create_ticketing(Settings(database_url=self.run.url), self.engine)
            _photos(self.instance / "uploads")
            self.world = self.run.prepare("access_matrix", self._build)
            settings = Settings(
                database_url=self.run.url,
                secret_key=TEST_SECRET_KEY,
                secure_cookies=False,
                data_dir=self.instance,
            )
            self.app = create_app(settings, self.service, clock=lambda: WEB_NOW, testing=True)
            self.app.config["WTF_CSRF_ENABLED"] = False
            self.dirty = False
        with self.app.app_context():
            limiter.reset()  # tracking is rate-limited per client address, and all cells come from one
        return self.app, self.service, self.world

    def browser(self, staff_id: str | None) -> FlaskClient:
        """A new English-reading browser, logged in as ``staff_id`` unless None."""
        client = self.app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        if staff_id is not None:
            response = client.post("/login", data={"staff_id": staff_id, "password": PASSWORD})
            assert response.status_code == 302, response.get_data(as_text=True)
        return client

    def _build(self) -> World:
        with self.engine.begin() as conn:
            load_demo_org(conn)
        return _populate(self.service)


def _photos(uploads: Path) -> None:
    """The uploaded files of the two tickets' photos."""
    uploads.mkdir(parents=True, exist_ok=True)
    for name in ("mine.png", "theirs.png"):
        (uploads / name).write_bytes(PNG)


def _populate(service: Ticketing) -> World:
    """Two tickets at B01010101 with a photo each; a login for every role and the accounts admins act on."""
    start = WEB_NOW - timedelta(hours=1)  # 08:00 local: the staggered calendar of C0101 is running

    def open_with(token: str, photo: str) -> str:
        opened = service.open_ticket(
            category="property_repair",
            description="楼道灯坏了",
            contact_phone=PHONE,
            location_id="B01010101",
            access_token=token,
            attachment=NewAttachment(photo, "image/png", len(PNG)),
            now=start,
        )
        service.act(opened.number, "acknowledge", "S0013", start + timedelta(minutes=10))
        return opened.number

    number = open_with("token-of-the-ticket", "mine.png")
    resolved = open_with("token-of-the-resolved-ticket", "theirs.png")
    service.act(resolved, "resolve", "S0013", start + timedelta(minutes=20), resolution="已更换楼道灯")
    proposed = service.open_ticket(
        category="property_repair",
        description="要求社区出资更换私家门窗",
        contact_phone=PHONE,
        location_id="B01010101",
        now=start,
    ).number
    service.act(proposed, "acknowledge", "S0013", start + timedelta(minutes=10))
    service.act(proposed, "propose_termination", "S0013", start + timedelta(minutes=20), reason="不属于政策范围")
    for staff_id in (*(s for s in ROLES.values() if s), "S0014", "S0015"):
        accounts.set_password(service.engine, staff_id, PASSWORD, start)
    accounts.deactivate(service.engine, "S0015", start)
    volunteers = _volunteers(service, number, start)
    service.holidays.add(date.fromisoformat(OVERRIDDEN), "workday", "国办发明电", start, "S0001")
    return World(
        number=number,
        token="token-of-the-ticket",
        version=service.show(number).ticket.version,
        photo=_photo_of(service, number),
        resolved=resolved,
        resolved_token="token-of-the-resolved-ticket",
        resolved_version=service.show(resolved).ticket.version,
        proposed=proposed,
        proposed_version=service.show(proposed).ticket.version,
        other_photo=_photo_of(service, resolved),
        dead_notice=_give_up_on_a_notice(service, resolved, start),
        live_notice=_notices_of(service, number)[0],
        absence=service.absences.record("S0013", WEB_NOW + DAY, WEB_NOW + 2 * DAY, "年假", start).id,
        **volunteers,
    )


def _volunteers(service: Ticketing, number: str, at: datetime) -> dict[str, Any]:
    """C0101's 双报到: two approved members (one leads a team), one pending, an open need with a claim, ticket help."""
    volunteering = service.volunteering

    def member(name: str, phone: str) -> Registered:
        application = Application("C0101", RegistrantKind.MEMBER, name, phone, work_unit="区财政局", hours_per_month=8)
        return volunteering.register(application, at)

    approved, other = member("王建国", "13906331234"), member("赵敏", "13906332222")
    for registered in (approved, other):
        volunteering.decide(registered.id, RegistrationStatus.APPROVED, "S0004", at)
    team = volunteering.create_team("C0101", "红马甲服务队", "邻里红马甲", [approved.id], approved.id, "S0004", at)
    day = at.date()
    draft = Draft(ItemKind.NEED, "为独居老人代买药品", "每周两次", day, day + 30 * DAY, 5, 2.0)
    item = volunteering.publish("C0101", draft, "S0004", at)
    claim = volunteering.claim_by_link(other.link, item, at)
    help_draft = Draft(ItemKind.NEED, "帮老人搬运物品", "楼道杂物清理", day, day + 7 * DAY, 2, 2.0)
    return {
        "member": approved.id,
        "link": approved.link,
        "pending_registrant": member("孙立", "13906333333").id,
        "team": team,
        "item": item,
        "claim": claim,
        "need": volunteering.ask_help(number, "S0013", help_draft, at + timedelta(minutes=30)),
    }


def _notices_of(service: Ticketing, number: str) -> list[int]:
    ticket_id = service.show(number).ticket.id
    with service.engine.connect() as conn:
        query = select(notifications.c.id).where(notifications.c.ticket_id == ticket_id).order_by(notifications.c.id)
        return list(conn.execute(query).scalars())


def _give_up_on_a_notice(service: Ticketing, number: str, at: datetime) -> int:
    notice_id = _notices_of(service, number)[0]
    with service.engine.begin() as conn:
        conn.execute(
            update(notifications)
            .where(notifications.c.id == notice_id)
            .values(attempts=8, last_error="smtp: connection refused", dead_at=at, next_attempt_at=None)
        )
    return notice_id


def _photo_of(service: Ticketing, number: str) -> int:
    ticket_id = service.show(number).ticket.id
    with service.engine.connect() as conn:
        return conn.execute(select(attachments.c.id).where(attachments.c.ticket_id == ticket_id)).scalar_one()


@pytest.fixture(scope="module")
def district(run_database: RunDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[District]:
    """The shared district, emptied at the end; its logins hashed fast, for this module only.

    scrypt takes about 0.1 s to hash a password and as long to check one, and every cell logs in: hash with
    one PBKDF2 round instead (``check_password_hash`` reads the method from the stored hash, so logging in
    stays real).
    """
    with quick_hashes():
        shared = District(run_database, tmp_path_factory.mktemp("matrix"))
        yield shared
        shared.engine.dispose()
        run_database.restore(EMPTY)


# --- helpers ----------------------------------------------------------------------------------------


def _snapshot(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table but the rate-limit counters (every request counts), to tell what a request changed."""
    with engine.connect() as conn:
        return {
            table.name: sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            for table in metadata.sorted_tables
            if table is not rate_limits
        }


def _versions(service: Ticketing, world: World) -> tuple[int, int]:
    return service.show(world.number).ticket.version, service.show(world.resolved).ticket.version


@contextmanager
def _templates(app: Flask) -> Iterator[list[str]]:
    """The names of the templates rendered meanwhile."""
    names: list[str] = []

    def record(sender: Flask, template: Template, context: dict[str, Any], **extra: Any) -> None:
        names.append(template.name or "")

    with template_rendered.connected_to(record, app):
        yield names


def _outcome(response: TestResponse, templates: list[str]) -> str:
    """The cell's outcome: the error page is access control (or nothing there), another page a refusal."""
    status = response.status_code
    if status in (301, 302, 303):
        return LOGIN if urlsplit(response.location).path == "/login" else OK
    if status < 300:
        return OK
    if "errors/error.html" in templates and status in (403, 404):
        return FORBIDDEN if status == 403 else NOT_FOUND
    return f"refused {status}"


def _cells() -> Iterator[Any]:
    for case in MATRIX:
        for column, role in enumerate(ROLES):
            yield pytest.param(case, role, case.expect[column], id=f"{case.name}-{role}")


# --- tests ------------------------------------------------------------------------------------------


BEARER_API = "api_v1."  # bearer tokens, not sessions: its access matrix is tests/integration/api/test_api_v1.py


def test_the_matrix_lists_every_route(district: District) -> None:
    app, _service, _world = district.fresh()
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not rule.endpoint.startswith(BEARER_API)
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    listed = {(case.endpoint, case.method) for case in MATRIX}
    assert sorted(routes - listed) == [], "routes without a row in MATRIX: add what each audience gets"
    assert sorted(listed - routes) == [], "rows for routes that no longer exist"


@pytest.mark.parametrize(("case", "role", "expected"), list(_cells()))
def test_access(case: Case, role: str, expected: str, district: District) -> None:
    app, service, world = district.fresh()
    staff_id = ROLES[role]
    browser = district.browser(staff_id)
    url = case.url.format(**asdict(world))
    before = _snapshot(service.engine) if case.method == "POST" else None

    with _templates(app) as templates:
        if case.method == "GET":
            response = browser.get(url)
        else:
            data = case.form(world) if case.form else None
            response = browser.post(url, data=data, content_type="multipart/form-data")

    after = _snapshot(service.engine) if before is not None else None
    versions = _versions(service, world)
    district.dirty = after != before or versions != (world.version, world.resolved_version)
    outcome = _outcome(response, templates)
    assert outcome == expected, f"{case.name} as {role} ({staff_id}): {response.status_code} {response.location}"
    if outcome != OK or case.method == "GET":
        assert versions == (world.version, world.resolved_version), "the tickets changed"
        assert after == before, "a refused request changed the database"
    elif case.writes:
        assert after != before, "an allowed action changed nothing"


def test_a_browser_that_tracked_a_ticket_opens_its_status_page_and_photo_only(district: District) -> None:
    _app, _service, world = district.fresh()
    browser = district.browser(None)
    status = f"/r/status/{world.number}"
    assert browser.get(status).status_code == 404
    tracked = browser.post("/r/track", data={"number": world.number, "phone_ending": "5678"})
    assert (tracked.status_code, tracked.location) == (302, status)

    assert browser.get(status).status_code == 200
    assert browser.get(f"{status}/photos/{world.photo}").data == PNG
    assert browser.get(f"{status}/photos/{world.other_photo}").status_code == 404
    assert browser.get(f"/r/status/{world.resolved}").status_code == 404  # it tracked one ticket, not the others
    assert district.browser(None).get(status).status_code == 404  # another browser has to track it itself
    assert district.browser(None).get(f"/r/t/{world.token}").status_code == 200  # the link works for anyone
