"""The build step pyproject.toml cannot declare: the checkout's top-level folders and the compiled catalogues.

A wheel gets ``workflows/``, ``templates/`` and ``migrations/`` under
``ticketing/bundled/`` and a ``messages.mo`` beside each catalogue. An editable
install (``pip install -e .``) reads the folders from the checkout and gets its
``.mo`` files compiled in place. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _load(relative: str) -> ModuleType:
    """A module of the package by its file: importing ``ticketing`` would need the app's dependencies."""
    spec = importlib.util.spec_from_file_location(Path(relative).stem, ROOT / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


resources = _load("ticketing/deploy/resources.py")
catalogues = _load("ticketing/web/catalogues.py")


class BuildPy(build_py):
    """``build_py``, then the resources: bundled into the wheel, or compiled in place for an editable install."""

    def initialize_options(self) -> None:
        super().initialize_options()
        self.resource_outputs: list[Path] = []

    def run(self) -> None:
        super().run()
        into = ROOT if self.editable_mode else Path(self.build_lib)
        if not self.editable_mode:
            self.resource_outputs += self._bundle()
        translations = into / resources.TRANSLATIONS.relative_to(resources.PACKAGE.parent)
        self.resource_outputs += catalogues.compile_catalogues(resources.TRANSLATIONS, translations)

    def _bundle(self) -> list[Path]:
        copied = []
        bundled = Path(self.build_lib) / resources.BUNDLED.relative_to(resources.PACKAGE.parent)
        for name in resources.BUNDLED_FOLDERS:
            source = ROOT / name
            shutil.rmtree(bundled / name, ignore_errors=True)
            shutil.copytree(source, bundled / name, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
            copied += [path for path in (bundled / name).rglob("*") if path.is_file()]
        return copied

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *map(str, self.resource_outputs)]


setup(cmdclass={"build_py": BuildPy})
