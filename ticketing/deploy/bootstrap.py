"""Wire the application from settings: workflows, holidays, time zone, database."""

from __future__ import annotations

from sqlalchemy import Engine

from ticketing.db.engine import make_engine
from ticketing.deploy.settings import Settings
from ticketing.organisation.holidays import ChineseHolidays, load_overrides
from ticketing.organisation.notices import load_notices
from ticketing.organisation.registry_view import WorldSource
from ticketing.services import Ticketing
from ticketing.workflow.files import load_workflows


def open_database(settings: Settings) -> Engine:
    """The engine over the configured database, without loading workflows (backups and restores need no more)."""
    return make_engine(settings.database_url)


def create_ticketing(settings: Settings, engine: Engine | None = None) -> Ticketing:
    """The application over ``settings`` (or over an engine the caller already has)."""
    catalogue = load_workflows([settings.workflows_path])
    overrides = load_overrides(settings.holiday_overrides) if settings.holiday_overrides else None
    worlds = WorldSource(catalogue, ChineseHolidays(overrides, load_notices()), settings.tz)
    return Ticketing(engine or open_database(settings), worlds)
