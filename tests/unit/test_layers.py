"""The layers stay layered: each package of ``ticketing`` imports only the packages below it.

domain ← services ← web / cli / scheduler, with the read models beside the
services: a read model never changes anything, so it never imports a use case;
the SQL lives in ``ticketing.db``, which web and cli reach only through
services and read models. ``test_rules_purity`` pins the domain itself.
"""

from __future__ import annotations

import ast
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
    """``ticketing/web/admin/accounts.py`` → ``web``; a top-level module is its own layer (``scheduler``)."""
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


# Outside ``ticketing/db`` the database is a connection to pass on, never a query to build.
SQL_FREE = sorted(
    module for module in TICKETING.rglob("*.py") if layer_of(module) != "db" and module.parent.name != "migrations"
)
PASSED_ON = {"sqlalchemy": {"Connection", "Engine"}, "sqlalchemy.exc": None}  # None: any name (errors to catch)


def sql_built(source: str) -> list[str]:
    """What a module imports to write SQL itself: query constructs of SQLAlchemy, or the tables."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] == "sqlalchemy"]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == "ticketing.db.schema":
                found += [f"ticketing.db.schema.{alias.name}" for alias in node.names]
            elif node.module.split(".")[0] == "sqlalchemy":
                allowed = PASSED_ON.get(node.module, set())
                found += [
                    f"{node.module}.{a.name}" for a in node.names if allowed is not None and a.name not in allowed
                ]
    return found


def test_the_sql_check_sees_queries_and_tables_but_lets_connections_pass() -> None:
    source = (
        "from sqlalchemy import Connection, Engine, select\nfrom sqlalchemy.exc import SQLAlchemyError\n"
        "from ticketing.db.schema import tickets\nimport sqlalchemy\n"
    )

    assert sql_built(source) == ["sqlalchemy.select", "ticketing.db.schema.tickets", "sqlalchemy"]


@pytest.mark.parametrize("module", SQL_FREE, ids=lambda module: str(module.relative_to(TICKETING)))
def test_sql_is_written_only_in_the_database_package(module: Path) -> None:
    assert sql_built(module.read_text(encoding="utf-8")) == []


def test_every_layer_has_modules_to_check() -> None:
    assert {layer_of(module) for module in LAYERED} == set(MAY_NOT_IMPORT)


@pytest.mark.parametrize("module", LAYERED, ids=lambda module: str(module.relative_to(TICKETING)))
def test_no_module_imports_against_the_arrows(module: Path) -> None:
    assert crossings(module, module.read_text(encoding="utf-8")) == []
