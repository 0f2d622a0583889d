"""Compiling the translation catalogues: each ``messages.po`` into the ``messages.mo`` Flask-Babel reads.

A build step, not a start-up one: ``setup.py`` runs it when a wheel is built
(into the wheel) and on ``pip install -e .`` (in place). It imports nothing but
Babel, so the build can load it without the app's dependencies.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCES = "*/LC_MESSAGES/messages.po"


def compile_catalogues(source: Path, target: Path | None = None) -> list[Path]:
    """Write the ``.mo`` of each catalogue under ``source`` at the same place under ``target`` (default: beside it).

    Returns the files written.
    """
    written = []
    for po_path in sorted(source.glob(SOURCES)):
        mo_path = (target or source) / po_path.relative_to(source).with_suffix(".mo")
        with po_path.open("rb") as po:
            catalogue = read_po(po, locale=po_path.parent.parent.name)
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as mo:
            write_mo(mo, catalogue)
        written.append(mo_path)
    return written
