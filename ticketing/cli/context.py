"""What every CLI command needs: settings, the engine and the application, made on first use.

The database layer and the application are imported on first use too, so ``--help`` answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

import click

from ticketing.deploy.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ticketing.services import Ticketing


@dataclass
class CliContext:
    settings: Settings = field(default_factory=Settings.from_env)

    @classmethod
    def create(cls, database_url: str | None) -> CliContext:
        settings = Settings.from_env()
        if database_url:
            settings = replace(settings, database_url=database_url)
        return cls(settings)

    @cached_property
    def engine(self) -> Engine:
        from ticketing.deploy.bootstrap import open_database

        return open_database(self.settings)

    @cached_property
    def ticketing(self) -> Ticketing:
        from ticketing.deploy.bootstrap import create_ticketing

        return create_ticketing(self.settings, self.engine)

    def staff_id(self, typed: str) -> str:
        """A staff id typed in any case, as the registry spells it (``s0015`` is ``S0015``)."""
        from ticketing.read.source import current_organisation

        return current_organisation(self.ticketing).staff_id_for(typed)

    def moment(self, text: str | None) -> datetime:
        """``--now`` and other times: ISO 8601; without an offset, the district's local time."""
        if not text:
            return datetime.now(UTC)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise click.BadParameter(f"{text!r} is not an ISO 8601 time such as 2027-01-04T09:30") from None
        return (moment if moment.tzinfo else moment.replace(tzinfo=self.settings.tz)).astimezone(UTC)

    def local(self, moment: datetime | None) -> str:
        """A time in the district's zone; one at the edge of the calendar (year 1 or 9999) in UTC."""
        if not moment:
            return "-"
        try:
            return moment.astimezone(self.settings.tz).strftime("%Y-%m-%d %H:%M")
        except OverflowError:
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


pass_context = click.make_pass_decorator(CliContext)
