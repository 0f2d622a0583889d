"""Reading a module's imports without importing it, for the tests that pin the layers."""

from __future__ import annotations

import ast


def imported_names(source: str, package: tuple[str, ...]) -> list[str]:
    """Absolute names of every module the source of a module of ``package`` imports (relative ones resolved)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) + 1 - node.level]) if node.level else []
            if node.module:
                names.append(".".join([*base, node.module]))
            else:  # ``from . import rules``: each name is a module of that package
                names += [".".join([*base, alias.name]) for alias in node.names]
    return names
