"""The core stays pure: modules under ``ticketing/domain`` import only the standard library and each other."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from imports import imported_names

PACKAGE = ("ticketing", "domain")
DOMAIN = Path(__file__).resolve().parents[2].joinpath(*PACKAGE)
MODULES = sorted(DOMAIN.rglob("*.py"))


def package_of(module: Path) -> tuple[str, ...]:
    """The package a module file belongs to, so that relative imports resolve in subpackages too."""
    return (*PACKAGE, *module.relative_to(DOMAIN).parent.parts)


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
        "from ticketing.domain.org import Post\nfrom . import rules\nfrom .. import workflow\n"
        "from ticketing.db import tickets\n"
    )

    expected = ["transitions", "sqlalchemy.orm", "ticketing.workflow", "ticketing.db"]
    assert foreign(imported_names(source, PACKAGE)) == expected


def test_the_check_resolves_relative_imports_in_a_subpackage() -> None:
    source = "from . import world\nfrom .. import coverage\nfrom ... import db\n"

    names = imported_names(source, package_of(DOMAIN / "rules" / "actions.py"))

    assert names == ["ticketing.domain.rules.world", "ticketing.domain.coverage", "ticketing.db"]
    assert foreign(names) == ["ticketing.db"]


def test_the_domain_package_has_modules_and_the_rules_subpackage_is_walked() -> None:
    found = {path.relative_to(DOMAIN).as_posix() for path in MODULES}

    assert {"rules/__init__.py", "rules/actions.py", "coverage.py", "ticket.py", "org.py"} <= found


def test_the_volunteering_subpackage_is_walked_too() -> None:
    """双报到 and volunteer service: every rule module is checked, so none may import Flask or SQLAlchemy."""
    found = {path.relative_to(DOMAIN).as_posix() for path in MODULES}
    rules = ("model", "access", "registration", "service_list", "records", "teams", "ticket_help", "fields")

    assert {f"volunteering/{name}.py" for name in ("__init__", *rules)} <= found


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(DOMAIN)))
def test_a_domain_module_imports_only_the_standard_library_and_the_domain(module: Path) -> None:
    outside = foreign(imported_names(module.read_text(encoding="utf-8"), package_of(module)))

    where = module.relative_to(DOMAIN).as_posix()
    assert outside == [], f"ticketing/domain/{where} imports {outside}: keep frameworks in adapter modules"
