"""The staff blueprint and what its templates share: how states, categories, workflows and deadlines read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from ticketing.web.context import service
from ticketing.web.labels import label_name
from ticketing.web.timeleft import time_left

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


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "state_label": state_label,
        "category_label": category_label,
        "workflow_title": workflow_title,
        "deadline_text": time_left,
    }
