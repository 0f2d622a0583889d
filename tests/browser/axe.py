"""axe-core (vendored, ``vendor/axe-core``) in a Playwright page: the serious and critical violations of WCAG rules.

The app's Content-Security-Policy allows no inline script, so axe is evaluated through the DevTools protocol
(``page.evaluate``), which the policy does not govern: the page keeps its real policy while it is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")

_RUN = """async (severe) => {
    const results = await window.axe.run(document, {resultTypes: ["violations"]});
    return results.violations.filter((rule) => severe.includes(rule.impact)).map((rule) => ({
        rule: rule.id,
        impact: rule.impact,
        help: rule.help,
        nodes: rule.nodes.map((node) => node.target.join(" ")),
    }));
}"""


@dataclass(frozen=True)
class Violation:
    """One rule broken on a page, with the elements (CSS selectors) that break it."""

    rule: str
    impact: str
    help: str
    nodes: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.nodes[:4]) + (f" (+{len(self.nodes) - 4})" if len(self.nodes) > 4 else "")
        return f"{self.impact} {self.rule}: {self.help} [{shown}]"


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def severe_violations(page: Page) -> list[Violation]:
    """Run axe on the page as it is now; its serious and critical violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_source()}\n }}")
    found = page.evaluate(_RUN, list(SEVERE))
    return [Violation(v["rule"], v["impact"], v["help"], tuple(v["nodes"])) for v in found]
