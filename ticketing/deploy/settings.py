"""Deployment settings, read once from the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from ticketing.deploy.resources import WORKFLOWS


class InvalidSetting(ValueError):
    """A setting in the environment the service cannot use; the message names the variable and what it takes."""


def _default_database_url(data_dir: Path = Path("instance")) -> str:
    """The embedded SQLite database, in the data directory."""
    return f"sqlite:///{data_dir / 'ticketing.sqlite3'}"


def _flag(value: str) -> bool:
    """A switch from the environment: on unless ``0``, ``false``, ``no`` or ``off``."""
    return value.lower() not in ("0", "false", "no", "off")


def _items(value: str) -> tuple[str, ...]:
    """``a, b`` as a tuple (blank items skipped)."""
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _pairs(value: str) -> dict[str, str]:
    """``a=x,b=y`` as a mapping (blank items skipped)."""
    items = (item.partition("=") for item in value.split(",") if item.strip())
    return {key.strip(): val.strip() for key, _, val in items}


def _count(env: Mapping[str, str], name: str) -> int:
    """A whole number, 0 or more (0 when unset)."""
    value = env.get(name, "").strip() or "0"
    if not re.fullmatch(r"[0-9]+", value):
        raise InvalidSetting(f"{name}={value!r}: give a whole number, 0 or more")
    return int(value)


def _limit(env: Mapping[str, str], name: str, default: str) -> str:
    """A rate limit such as ``10 per minute;50 per hour`` (``default`` when unset).

    Refused when Flask-Limiter could not read it: it would leave the limit off, not refuse the start.
    """
    from limits import parse_many  # here: the ``ticketing`` command starts without it

    value = env.get(name) or default
    try:
        parse_many(value)
    except ValueError as error:
        raise InvalidSetting(f"{name}={value!r} is not a rate limit ({error}); write it like {default!r}") from None
    return value


def _public_url(env: Mapping[str, str]) -> str | None:
    """``TICKETING_PUBLIC_URL``: the address residents reach the service at, for the links in their notices."""
    value = env.get("TICKETING_PUBLIC_URL", "").strip()
    if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise InvalidSetting(
            f"TICKETING_PUBLIC_URL={value!r}: give the address residents open, like https://grid.example.cn"
        )
    return value.rstrip("/") or None


@dataclass(frozen=True)
class Settings:
    """Where the data lives, which workflows run and in which time zone.

    Environment: ``TICKETING_DATABASE_URL``, ``TICKETING_WORKFLOWS``,
    ``TICKETING_TIMEZONE``, ``TICKETING_HOLIDAY_OVERRIDES``, and for the web
    app ``TICKETING_SECRET_KEY`` (default: a random key kept in
    the data directory) and ``TICKETING_SECURE_COOKIES`` (default on:
    session cookies only over HTTPS; ``0`` for plain-HTTP local use); for the
    Open311 API ``TICKETING_JURISDICTION_ID`` (default ``donggang.example``)
    and ``TICKETING_OPEN311_PUBLIC_READS`` (default on: anyone may list and
    read requests; ``0`` asks for an API key there too); for notifications
    ``TICKETING_SMTP_URL`` (``smtp://host:port``), ``TICKETING_MAIL_FROM``,
    ``TICKETING_STAFF_EMAILS`` (``staff-id=address,…``: staff have no e-mail
    column), ``TICKETING_WEBHOOK_URL``, ``TICKETING_WEBHOOK_SECRET``,
    ``TICKETING_SMS_URL`` and ``TICKETING_SMS_SECRET`` (an SMS gateway taking
    signed JSON POSTs, as the webhook), ``TICKETING_NOTIFY_LANGUAGE``
    (``zh_Hans`` or ``en``: staff notices; a resident's are in the language they
    filed in) and ``TICKETING_PUBLIC_URL`` (the address residents open, for the
    private link in their notices); the log channel always runs. Security settings
    (``TICKETING_DATA_DIR``, ``TICKETING_RATELIMIT_STORAGE_URI``,
    ``TICKETING_TRUSTED_PROXIES``, ``TICKETING_METRICS_TOKEN``,
    ``TICKETING_METRICS_ALLOW`` and the ``TICKETING_*_LIMIT`` rate limits)
    are listed in the README's configuration table.
    """

    database_url: str = field(default_factory=_default_database_url)
    workflows_path: Path = WORKFLOWS
    timezone: str = "Asia/Shanghai"
    holiday_overrides: Path | None = None
    secret_key: str | None = None
    secure_cookies: bool = True
    jurisdiction_id: str = "donggang.example"
    open311_public_reads: bool = True
    smtp_url: str | None = None
    mail_from: str = "ticketing@localhost"
    staff_emails: dict[str, str] = field(default_factory=dict)
    webhook_url: str | None = None
    webhook_secret: str = ""
    sms_url: str | None = None
    sms_secret: str = ""
    notify_language: str = "zh_Hans"
    public_url: str | None = None
    data_dir: Path = Path("instance")
    ratelimit_storage_uri: str | None = None
    trusted_proxies: int = 0
    metrics_token: str | None = None
    metrics_allow: tuple[str, ...] = ()
    track_limit: str = "10 per minute;30 per hour"
    login_limit: str = "10 per minute;50 per hour"
    open311_key_limit: str = "30 per minute"
    open311_address_limit: str = "60 per minute"
    api_token_limit: str = "300 per minute"

    @classmethod
    def from_env(cls) -> Settings:
        """The settings in ``os.environ``; raises ``InvalidSetting`` for a rate limit or proxy count it cannot use."""
        env = os.environ
        overrides = env.get("TICKETING_HOLIDAY_OVERRIDES")
        data_dir = Path(env.get("TICKETING_DATA_DIR") or "instance")
        return cls(
            database_url=env.get("TICKETING_DATABASE_URL") or _default_database_url(data_dir),
            workflows_path=Path(env.get("TICKETING_WORKFLOWS") or WORKFLOWS),
            timezone=env.get("TICKETING_TIMEZONE") or "Asia/Shanghai",
            holiday_overrides=Path(overrides) if overrides else None,
            secret_key=env.get("TICKETING_SECRET_KEY") or None,
            secure_cookies=_flag(env.get("TICKETING_SECURE_COOKIES", "1")),
            jurisdiction_id=env.get("TICKETING_JURISDICTION_ID") or "donggang.example",
            open311_public_reads=_flag(env.get("TICKETING_OPEN311_PUBLIC_READS", "1")),
            smtp_url=env.get("TICKETING_SMTP_URL") or None,
            mail_from=env.get("TICKETING_MAIL_FROM") or "ticketing@localhost",
            staff_emails=_pairs(env.get("TICKETING_STAFF_EMAILS", "")),
            webhook_url=env.get("TICKETING_WEBHOOK_URL") or None,
            webhook_secret=env.get("TICKETING_WEBHOOK_SECRET", ""),
            sms_url=env.get("TICKETING_SMS_URL") or None,
            sms_secret=env.get("TICKETING_SMS_SECRET", ""),
            notify_language=env.get("TICKETING_NOTIFY_LANGUAGE") or "zh_Hans",
            public_url=_public_url(env),
            data_dir=data_dir,
            ratelimit_storage_uri=env.get("TICKETING_RATELIMIT_STORAGE_URI") or None,
            trusted_proxies=_count(env, "TICKETING_TRUSTED_PROXIES"),
            metrics_token=env.get("TICKETING_METRICS_TOKEN") or None,
            metrics_allow=_items(env.get("TICKETING_METRICS_ALLOW", "")),
            track_limit=_limit(env, "TICKETING_TRACK_LIMIT", cls.track_limit),
            login_limit=_limit(env, "TICKETING_LOGIN_LIMIT", cls.login_limit),
            open311_key_limit=_limit(env, "TICKETING_OPEN311_KEY_LIMIT", cls.open311_key_limit),
            open311_address_limit=_limit(env, "TICKETING_OPEN311_ADDRESS_LIMIT", cls.open311_address_limit),
            api_token_limit=_limit(env, "TICKETING_API_TOKEN_LIMIT", cls.api_token_limit),
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
