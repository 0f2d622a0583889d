"""The community staff's blueprint, and whose communities a page shows."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from ticketing.domain.org import Organisation, UnitKind
from ticketing.read.source import current_organisation
from ticketing.web.context import service

bp = Blueprint("community", __name__, url_prefix="/community")


def my_communities(managed: bool = False) -> list[tuple[str, str]]:
    """The communities the current user works for (or manages), as (id, name), by id; admins: every one."""
    org: Organisation = current_organisation(service())
    mine = current_user.manager_of if managed else current_user.staff_of
    return sorted(
        (unit.id, unit.name)
        for unit in org.units.values()
        if unit.kind is UnitKind.COMMUNITY and (current_user.is_admin or unit.id in mine)
    )


def require_community(community_id: str | None, managed: bool = False) -> str:
    """The community asked for, if the current user works for (or manages) it; 404 if it is no community, else 403."""
    unit = current_organisation(service()).units.get(community_id or "")
    if unit is None or unit.kind is not UnitKind.COMMUNITY:
        abort(404)
    allowed = current_user.manages(unit.id) if managed else current_user.works_for(unit.id)
    if not allowed:
        abort(403)
    return unit.id
