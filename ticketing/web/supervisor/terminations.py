"""Proposals of 诉求终结 waiting for a supervisor: each links to its ticket, where it is approved or rejected."""

from __future__ import annotations

from flask import render_template

from ticketing.read.terminations import pending_terminations
from ticketing.web.context import now, service
from ticketing.web.labels import label_name
from ticketing.web.nav import requires
from ticketing.web.supervisor.blueprint import bp, overseer


@bp.get("/terminations")
@requires("supervisor")
def terminations() -> str:
    """The pending proposals of 诉求终结 in my area, oldest first."""
    pending = pending_terminations(service(), overseer(), now())
    catalogue = service().worlds.catalogue
    return render_template(
        "supervisor/terminations.html",
        tickets=[item.ticket for item in pending.items],
        org=pending.world.org,
        category=lambda code: label_name(catalogue.category(code).label),
    )
