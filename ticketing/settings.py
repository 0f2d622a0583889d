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
    ``TICKETING_TIMEZONE``, ``TICKETING_HOLIDAY_OVERRIDES``, and for the web
    app ``TICKETING_SECRET_KEY`` (default: a random key kept in
    ``instance/secret_key``) and ``TICKETING_SECURE_COOKIES`` (default on:
    session cookies only over HTTPS; ``0`` for plain-HTTP local use).
    """

    database_url: str = field(default_factory=_default_database_url)
    workflows_path: Path = REPO_ROOT / "workflows"
    timezone: str = "Asia/Shanghai"
    holiday_overrides: Path | None = None
    secret_key: str | None = None
    secure_cookies: bool = True

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        overrides = env.get("TICKETING_HOLIDAY_OVERRIDES")
        return cls(
            database_url=env.get("TICKETING_DATABASE_URL") or _default_database_url(),
            workflows_path=Path(env.get("TICKETING_WORKFLOWS") or REPO_ROOT / "workflows"),
            timezone=env.get("TICKETING_TIMEZONE") or "Asia/Shanghai",
            holiday_overrides=Path(overrides) if overrides else None,
            secret_key=env.get("TICKETING_SECRET_KEY") or None,
            secure_cookies=env.get("TICKETING_SECURE_COOKIES", "1").lower() not in ("0", "false", "no", "off"),
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
