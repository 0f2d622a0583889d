"""Chinese (zh_Hans, the default) and English; catalogues compiled when the app is built.

A browser asking for ``zh``, ``zh-CN`` or ``zh-Hans-CN`` gets ``zh_Hans``
(Babel would otherwise resolve ``zh_CN`` to ``zh_Hans_CN`` and find no catalogue).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import request, session

LOCALES = ("zh_Hans", "en")
DEFAULT_LOCALE = "zh_Hans"
TRANSLATIONS = Path(__file__).with_name("translations")


def select_locale() -> str:
    """The language chosen with the switch, else the browser's preference, else Chinese."""
    chosen = session.get("lang")
    if chosen in LOCALES:
        return chosen
    for language, _quality in request.accept_languages:
        code = language.lower()
        if code.startswith("zh"):
            return "zh_Hans"
        if code.startswith("en"):
            return "en"
    return DEFAULT_LOCALE


def compile_catalogues(folder: Path = TRANSLATIONS) -> None:
    """Write each ``messages.mo`` next to its ``.po`` when missing or older (a build step, run at start)."""
    for po_path in folder.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalogue = read_po(source, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as target:
            write_mo(target, catalogue)
