"""Message texts: one Jinja2 template per event and language under ``templates/notifications``.

A template's first line is the subject, the rest the body; times are shown in
the district's local time, never UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ticketing.domain.ticket import Event
from ticketing.settings import REPO_ROOT

LANGUAGES = ("zh_Hans", "en")
TEMPLATES = REPO_ROOT / "templates" / "notifications"


@dataclass(frozen=True)
class Facts:
    """What a notice is about, read from the ticket when the message is sent."""

    event: Event
    number: str
    category: str
    where: str
    due_at: datetime | None
    recipient_name: str


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


class Renderer:
    """Renders notices in one language (plain text: no HTML escaping)."""

    def __init__(self, language: str, tz: ZoneInfo) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"no notification texts in {language!r}: choose one of {', '.join(LANGUAGES)}")
        self.language = language
        self.tz = tz
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
        )

    def render(self, facts: Facts) -> Text:
        template = self.env.get_template(f"{facts.event.value}/{self.language}.txt")
        deadline = facts.due_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if facts.due_at else ""
        subject, _, body = template.render(facts=facts, deadline=deadline).partition("\n")
        return Text(subject.strip(), body.strip() + "\n")
