"""Deployment settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    return f"sqlite:///{Path('instance') / 'ticketing.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    """Where the data lives, which workflows run and in which time zone.

    Environment: ``TICKETING_DATABASE_URL``, ``TICKETING_WORKFLOWS``,
    ``TICKETING_TIMEZONE``, ``TICKETING_HOLIDAY_OVERRIDES``.
    """

    database_url: str = field(default_factory=_default_database_url)
    workflows_path: Path = REPO_ROOT / "workflows"
    timezone: str = "Asia/Shanghai"
    holiday_overrides: Path | None = None

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        overrides = env.get("TICKETING_HOLIDAY_OVERRIDES")
        return cls(
            database_url=env.get("TICKETING_DATABASE_URL") or _default_database_url(),
            workflows_path=Path(env.get("TICKETING_WORKFLOWS") or REPO_ROOT / "workflows"),
            timezone=env.get("TICKETING_TIMEZONE") or "Asia/Shanghai",
            holiday_overrides=Path(overrides) if overrides else None,
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
