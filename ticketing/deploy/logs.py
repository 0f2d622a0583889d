"""Log lines for people or for a log collector, each naming the ticket it is about.

``TICKETING_LOG_FORMAT=json`` writes one JSON object per line (for journald,
Loki or ELK); the default is one readable line. Code that logs about a ticket
uses ``ticket_logger(logger, number)`` so every line carries ``ticket``.
Configured once by the command-line entry, never on import: a library that
configures logging on import overrides the host's (gunicorn's, pytest's).
Every time carries its offset from UTC: the readable line shows the machine's
local time (as gunicorn's own lines do), the JSON object UTC.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import Any

HUMAN_FORMAT = "%(asctime)s %(levelname)s %(name)s%(ticket_tag)s: %(message)s"


class TicketAdapter(logging.LoggerAdapter[logging.Logger]):
    """A logger whose every line names one ticket (``extra={"ticket": number}``)."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        kwargs["extra"] = {**(self.extra or {}), **kwargs.get("extra", {})}
        return msg, kwargs


def ticket_logger(logger: logging.Logger, number: str) -> TicketAdapter:
    return TicketAdapter(logger, {"ticket": number})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, ticket if any, exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        ticket = getattr(record, "ticket", None)
        if ticket is not None:
            entry["ticket"] = ticket
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class HumanFormatter(logging.Formatter):
    """The readable line, its time local to the machine with the offset: ``2026-12-05 14:30:00.123+08:00``."""

    def __init__(self) -> None:
        super().__init__(HUMAN_FORMAT)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).astimezone().isoformat(sep=" ", timespec="milliseconds")


class _TicketTag(logging.Filter):
    """Give the human format a `` [ticket …]`` tag, empty for lines about no ticket."""

    def filter(self, record: logging.LogRecord) -> bool:
        ticket = getattr(record, "ticket", None)
        record.ticket_tag = f" [ticket {ticket}]" if ticket is not None else ""
        return True


def configure_logging(log_format: str | None = None, level: int = logging.INFO) -> logging.Handler:
    """Send the root logger's lines to stderr in the chosen format (``TICKETING_LOG_FORMAT``: ``json`` or text)."""
    chosen = (log_format or os.environ.get("TICKETING_LOG_FORMAT") or "text").lower()
    handler = logging.StreamHandler(sys.stderr)
    if chosen == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.addFilter(_TicketTag())
        handler.setFormatter(HumanFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "ticketing", False)]:
        root.removeHandler(old)
    handler.ticketing = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("transitions").setLevel(max(level, logging.WARNING))  # a line per state callback otherwise
    return handler
