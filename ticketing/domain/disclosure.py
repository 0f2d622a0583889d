"""What anyone may read of a resident's request: the one rule every public surface applies.

A neighbour may learn that a request exists: its service, status, dates, who
handles it and roughly where — the grid or community, and coordinates rounded
to about 100 m.  The resident's own words and the address they typed stay
theirs.  They are published only for a category that a workflow file marks
``public = true`` (a broken street lamp, litter), and even then with phone
numbers, ID-card numbers and flat numbers masked.

A dispute workflow — one whose chain runs through the community police, who
mediate disputes (矛盾纠纷调解) — never publishes: the loader refuses
``public = true`` there, and ``publishes`` says no whatever a category claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ticketing.domain.org import Organisation, PostKind, Unit, UnitKind
from ticketing.domain.ticket import Ticket
from ticketing.domain.workflow import Category, WorkflowSpec

COORDINATE_DECIMALS = 3  # 0.001° is about 111 m of latitude and 90 m of longitude in Shandong
MEDIATORS = frozenset({PostKind.COMMUNITY_POLICE})
PUBLIC_PLACES = frozenset({UnitKind.DISTRICT, UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID})

_PRIVATE_NUMBERS = re.compile(
    "|".join(
        (
            r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])",  # ID card: 17 digits and a digit or X
            r"(?<![\d+])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)",  # mobile, 138 1234 5678 or 138-1234-5678
            r"(?:[(（]0\d{2,3}[)）]\s*|(?<!\d)0\d{2,3}[\s-]?)\d{7,8}(?!\d)",  # landline with area code
            r"(?<!\d)\d{7,}(?!\d)",  # any other long number: a local landline, an old ID card, a bank card
            r"\d+\s*单元\s*\d+(?:\s*[室号户])?",  # 3单元502, 3 单元 502 室
            r"(?<![\d-])\d{1,3}-\d{1,2}-\d{3,4}(?![\d-])",  # 2-3-501: building, entrance, flat
            r"(?<![\d-])\d{1,3}-\d{3,4}(?![\d-])",  # 5-502: building, flat
            r"(?<=[楼栋幢座])\s*\d{3,4}(?!\d)",  # 1号楼502
            r"\d+\s*(?:室|户|号房|房间|房)",  # 502室, 502号房
            r"(?i:(?<![a-z])(?:room|rm|flat|apt|apartment|unit)\.?\s*#?\s*\d+)",  # Room 502
        )
    )
)
_DIGIT = re.compile(r"\d|[Xx]$")


def mask(text: str) -> str:
    """The text with every digit of a phone, ID-card or flat number starred: ``3单元502`` → ``*单元***``."""
    return _PRIVATE_NUMBERS.sub(lambda found: _DIGIT.sub("*", found.group()), text)


def coarse(coordinate: float | None) -> float | None:
    """A coordinate to about 100 m: enough to see the neighbourhood, not the door."""
    return None if coordinate is None else round(coordinate, COORDINATE_DECIMALS)


def is_dispute(spec: WorkflowSpec) -> bool:
    """A dispute workflow: its chain runs through the community police, who mediate disputes."""
    return any(tier.post_kind in MEDIATORS for tier in spec.chain)


def publishes(spec: WorkflowSpec | None, category: Category | None) -> bool:
    """Whether the resident's text and typed address of a request may be published (masked)."""
    return spec is not None and category is not None and category.public and not is_dispute(spec)


def public_place(org: Organisation, unit_id: str | None) -> Unit | None:
    """The unit itself when it is a grid or wider, else the grid (or community) it lies in."""
    unit = org.units.get(unit_id or "")
    while unit is not None and unit.kind not in PUBLIC_PLACES:
        unit = org.units.get(unit.parent_id or "")
    return unit


@dataclass(frozen=True, slots=True)
class PublicRequest:
    """What and where a request is about, as anyone may read it; ``published`` when the resident's text is shown."""

    published: bool
    description: str | None
    address: str | None
    address_id: str | None
    lat: float | None
    lon: float | None


def disclose(ticket: Ticket, spec: WorkflowSpec | None, category: Category | None, org: Organisation) -> PublicRequest:
    """The public view of a request: masked text and the place picked for a public category, else the grid."""
    unit = org.units.get(ticket.location_id or "")
    lat = ticket.lat if ticket.lat is not None else unit.lat if unit else None
    lon = ticket.lon if ticket.lon is not None else unit.lon if unit else None
    if publishes(spec, category):
        address = ticket.address or ((unit.address or unit.name) if unit else "")
        return PublicRequest(
            True, mask(ticket.description), mask(address) or None, ticket.location_id, coarse(lat), coarse(lon)
        )
    place = public_place(org, ticket.location_id or ticket.grid_id or ticket.community_id)
    return PublicRequest(
        False, None, place.name if place else None, place.id if place else None, coarse(lat), coarse(lon)
    )
