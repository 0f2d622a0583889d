"""The layers stay layered: each package of ``ticketing`` imports only the packages below it.

domain ← services ← web / cli / scheduler, with the read models beside the
services: a read model never changes anything, so it never imports a use case;
the SQL lives in ``ticketing.db``, which web and cli reach only through
services and read models. ``test_rules_purity`` pins the domain itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from imports import imported_names

TICKETING = Path(__file__).resolve().parents[2] / "ticketing"

MAY_NOT_IMPORT = {
    "read": ("services", "web", "cli", "scheduler"),
    "services": ("read", "web", "cli", "scheduler"),
    "db": ("services", "read", "web", "cli", "scheduler", "schemas"),
    "web": ("db",),
    "cli": ("db",),
    "scheduler": ("db", "web", "cli"),
    "schemas": ("services", "db", "web", "cli"),
}


def layer_of(module: Path) -> str:
    """``ticketing/web/admin.py`` → ``web``; a top-level module is its own layer (``scheduler``)."""
    return module.relative_to(TICKETING).with_suffix("").parts[0]


def package_of(module: Path) -> tuple[str, ...]:
    parts = module.relative_to(TICKETING.parent).parts
    return parts[:-1]


def crossings(module: Path, source: str) -> list[str]:
    """The modules that ``module`` (with this source) imports against the arrows."""
    forbidden = MAY_NOT_IMPORT.get(layer_of(module), ())
    names = imported_names(source, package_of(module))
    return [name for name in names if name.split(".")[:2] in (["ticketing", layer] for layer in forbidden)]


LAYERED = sorted(module for module in TICKETING.rglob("*.py") if layer_of(module) in MAY_NOT_IMPORT)


def test_the_check_sees_a_crossing_however_it_is_written() -> None:
    source = "from ticketing.db import tickets\nimport ticketing.db.schema\nfrom ..db import audit\nfrom . import x\n"
    web = TICKETING / "web" / "example.py"

    assert crossings(web, source) == ["ticketing.db", "ticketing.db.schema", "ticketing.db"]
    assert crossings(TICKETING / "read" / "example.py", "from ticketing.services.tickets import Ticketing\n") == [
        "ticketing.services.tickets"
    ]
    assert crossings(TICKETING / "scheduler.py", "from ticketing.db import heartbeat\n") == ["ticketing.db"]


def test_every_layer_has_modules_to_check() -> None:
    assert {layer_of(module) for module in LAYERED} == set(MAY_NOT_IMPORT)


@pytest.mark.parametrize("module", LAYERED, ids=lambda module: str(module.relative_to(TICKETING)))
def test_no_module_imports_against_the_arrows(module: Path) -> None:
    assert crossings(module, module.read_text(encoding="utf-8")) == []
