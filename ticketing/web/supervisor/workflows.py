"""The workflows as supervisors read them: each one's diagram and its chain of posts with deadlines."""

from __future__ import annotations

from flask import render_template

from ticketing.web.context import service
from ticketing.web.nav import requires
from ticketing.web.supervisor.blueprint import bp


@bp.get("/workflows")
@requires("supervisor")
def workflows() -> str:
    """Each workflow's diagram (drawn by Mermaid) and its chain with deadlines, categories and locations."""
    catalogue = service().worlds.catalogue
    shown = [(spec, catalogue.machines[name].mermaid()) for name, spec in catalogue.workflows.items()]
    return render_template("supervisor/workflows.html", shown=shown)
