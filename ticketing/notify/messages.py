"""Message texts: one Jinja2 template per event and language under ``templates/notifications``.

A template's first line is the subject, the rest the body; times are shown in
the district's local time, never UTC. Texts name things as people know them:
the category's and the state's names from the loaded workflows, in the
message's language, never their codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ticketing.deploy.resources import NOTIFICATION_TEMPLATES
from ticketing.domain.ticket import Event
from ticketing.workflow.files import Catalogue
from ticketing.workflow.translation import name_in

LANGUAGES = ("zh_Hans", "en")


@dataclass(frozen=True)
class Facts:
    """What a notice is about, read from the ticket when the message is sent."""

    event: Event
    number: str
    workflow: str
    category: str  # the code: the renderer names it
    state: str  # the code: the renderer names it
    where: str  # staff: the address, else the located unit's name; the resident: community · grid · unit · address
    due_at: datetime | None
    recipient_name: str  # may be empty for a resident who gave no name
    resolution: str = ""  # what was done
    referred_to: str = ""  # the competent body the resident was told to turn to
    link: str = ""  # the resident's private link to the request's status page; empty when none can be made

    @property
    def referral(self) -> bool:
        """Whether the request was answered by naming a competent body rather than handled here."""
        return bool(self.referred_to) and not self.resolution


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


class Renderer:
    """Renders notices in one language (plain text: no HTML escaping).

    The names come from the catalogue the application loaded at start: nothing
    is read from files per message. A code the catalogue no longer knows (a
    workflow file changed since the ticket was opened) is shown as it is.
    """

    def __init__(
        self, language: str, tz: ZoneInfo, catalogue: Catalogue, links: Callable[[str], str] | None = None
    ) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"no notification texts in {language!r}: choose one of {', '.join(LANGUAGES)}")
        self.language = language
        self.links = links  # a tracking number's private link for the resident (``links.ResidentLinks``)
        self.tz = tz
        self.workflows = catalogue.workflows
        self.categories = {category.code: category for category in catalogue.categories()}
        self.env = Environment(
            loader=FileSystemLoader(NOTIFICATION_TEMPLATES),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
        )

    def render(self, facts: Facts, language: str | None = None) -> Text:
        """The notice in ``language`` (a resident's own), else in the renderer's."""
        language = language if language in LANGUAGES else self.language
        template = self.env.get_template(f"{facts.event.value}/{language}.txt")
        deadline = facts.due_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if facts.due_at else ""
        text = template.render(
            facts=facts,
            deadline=deadline,
            category=self.category_name(facts.category, language),
            state=self.state_name(facts, language),
        )
        subject, _, body = text.partition("\n")
        return Text(subject.strip(), body.strip() + "\n")

    def category_name(self, code: str, language: str | None = None) -> str:
        category = self.categories.get(code)
        if category is None:
            return code
        return name_in(category.label, language or self.language)

    def state_name(self, facts: Facts, language: str | None = None) -> str:
        spec = self.workflows.get(facts.workflow)
        state = spec.states.get(facts.state) if spec else None
        if state is None:
            return facts.state
        return name_in(state.label, language or self.language)
