"""The core stays pure: modules under ``ticketing/domain`` import only the standard library and each other."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = ("ticketing", "domain")
DOMAIN = Path(__file__).resolve().parents[2].joinpath(*PACKAGE)
MODULES = sorted(DOMAIN.rglob("*.py"))


def imported_names(source: str) -> list[str]:
    """Absolute names of every module a ``ticketing.domain`` module's source imports."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(PACKAGE[: len(PACKAGE) + 1 - node.level]) if node.level else []
            if node.module:
                names.append(".".join([*base, node.module]))
            else:  # ``from . import rules``: each name is a module of that package
                names += [".".join([*base, alias.name]) for alias in node.names]
    return names


def foreign(names: list[str]) -> list[str]:
    """The names that are neither the standard library nor ``ticketing.domain``."""
    own = ".".join(PACKAGE)
    return [
        name
        for name in names
        if name.split(".")[0] not in sys.stdlib_module_names and name != own and not name.startswith(own + ".")
    ]


def test_the_check_sees_framework_and_sibling_package_imports() -> None:
    source = (
        "from __future__ import annotations\nimport json, transitions\nfrom sqlalchemy.orm import Session\n"
        "from ticketing.domain.org import Post\nfrom . import rules\nfrom .. import machine\n"
        "from ticketing.db import tickets\n"
    )

    assert foreign(imported_names(source)) == ["transitions", "sqlalchemy.orm", "ticketing.machine", "ticketing.db"]


def test_the_domain_package_has_modules() -> None:
    assert {"rules.py", "coverage.py", "ticket.py", "org.py"} <= {path.name for path in MODULES}


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(DOMAIN)))
def test_a_domain_module_imports_only_the_standard_library_and_the_domain(module: Path) -> None:
    outside = foreign(imported_names(module.read_text(encoding="utf-8")))

    assert outside == [], f"ticketing/domain/{module.name} imports {outside}: keep frameworks in adapter modules"
