"""Find the unit a resident means: an id, an address, or coordinates.

Residents say where in many ways.  An id must exist; an address matches the
unit whose name or address it contains (the most specific wins); coordinates
match the nearest building, shop or street segment within ``MAX_DISTANCE_M``.
What matches nothing returns None, and the ticket goes to the intake post.
"""

from __future__ import annotations

import math

from ticketing.domain.errors import InvalidInput, NotFound
from ticketing.domain.org import PLACE_KINDS, Organisation, UnitKind

MAX_DISTANCE_M = 300.0
ROUTABLE_KINDS = (*PLACE_KINDS, UnitKind.GRID, UnitKind.COMMUNITY)
EARTH_RADIUS_M = 6_371_000.0


def locate(
    org: Organisation, location_id: str | None, address: str = "", lat: float | None = None, lon: float | None = None
) -> str | None:
    """The unit id for a request's location, or None when nothing matches."""
    if location_id:
        unit = org.units.get(location_id)
        if unit is None:
            raise NotFound(
                "unknown location %(location)r: give a building, shop or street segment id", location=location_id
            )
        if unit.kind not in ROUTABLE_KINDS:
            raise InvalidInput(
                "%(location)r is a %(kind)s, too wide to route: give a building, shop, street segment, "
                "grid or community id",
                location=location_id,
                kind=unit.kind.value,
            )
        return location_id
    if address.strip():
        found = by_address(org, address)
        if found:
            return found
    if lat is not None and lon is not None:
        return nearest(org, lat, lon)
    return None


def by_address(org: Organisation, address: str) -> str | None:
    """The most specific place whose name or address appears in the text."""
    text = address.replace(" ", "")
    best: tuple[int, str] | None = None
    for unit in org.units.values():
        if unit.kind not in PLACE_KINDS:
            continue
        for label in (unit.name, unit.address):
            label = label.replace(" ", "")
            if label and label in text and (best is None or len(label) > best[0]):
                best = (len(label), unit.id)
    return best[1] if best else None


def nearest(org: Organisation, lat: float, lon: float) -> str | None:
    best: tuple[float, str] | None = None
    for unit in org.units.values():
        if unit.kind in PLACE_KINDS and unit.lat is not None and unit.lon is not None:
            distance = distance_m(lat, lon, unit.lat, unit.lon)
            if distance <= MAX_DISTANCE_M and (best is None or distance < best[0]):
                best = (distance, unit.id)
    return best[1] if best else None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
