"""Wire the application from settings: workflows, holidays, time zone, database."""

from __future__ import annotations

from sqlalchemy import Engine

from ticketing.db.engine import make_engine
from ticketing.deploy.settings import Settings
from ticketing.organisation.holidays import ChineseHolidays, load_overrides
from ticketing.organisation.registry_view import WorldSource
from ticketing.services import Ticketing
from ticketing.workflow.files import load_workflows


def create_ticketing(settings: Settings, engine: Engine | None = None) -> Ticketing:
    """The application over ``settings`` (or over an engine the caller already has)."""
    catalogue = load_workflows([settings.workflows_path])
    overrides = load_overrides(settings.holiday_overrides) if settings.holiday_overrides else None
    worlds = WorldSource(catalogue, ChineseHolidays(overrides), settings.tz)
    return Ticketing(engine or make_engine(settings.database_url), worlds)
