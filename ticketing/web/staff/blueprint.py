"""The staff blueprint and what its templates share: how states, categories, workflows and deadlines read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import gettext as _

from ticketing.read.queues import Deadline
from ticketing.web.context import service
from ticketing.web.labels import label_name

bp = Blueprint("staff", __name__, url_prefix="/staff")


def state_label(workflow: str, state: str | None) -> str:
    spec = service().worlds.catalogue.workflows.get(workflow)
    found = spec.states.get(state) if spec and state else None
    return label_name(found.label) if found else (state or "—")


def category_label(code: str) -> str:
    category = next((c for c in service().worlds.catalogue.categories() if c.code == code), None)
    return label_name(category.label) if category else code


def workflow_title(name: str) -> str:
    spec = service().worlds.catalogue.workflows.get(name)
    return label_name(spec.title) if spec else name


def span(seconds: float) -> str:
    """``3 h 20 min`` (whole minutes, rounded down)."""
    hours, minutes = divmod(int(seconds // 60), 60)
    return (
        _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)
        if hours
        else _("%(minutes)d min", minutes=minutes)
    )


def deadline_text(deadline: Deadline) -> str:
    """``3 h 20 min working time left`` / ``overdue by 40 min working time`` / a stopped clock / ``—``."""
    if deadline.working_seconds is None:
        if deadline.kept_seconds is not None:
            return _("Clock stopped; %(time)s working time kept", time=span(deadline.kept_seconds))
        return "—"
    if deadline.overdue:
        return _("overdue by %(time)s working time", time=span(deadline.working_seconds))
    return _("%(time)s working time left", time=span(deadline.working_seconds))


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "state_label": state_label,
        "category_label": category_label,
        "workflow_title": workflow_title,
        "deadline_text": deadline_text,
    }
