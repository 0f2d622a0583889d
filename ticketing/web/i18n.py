"""Chinese (zh_Hans, the default) and English; the catalogues are compiled by the build (``setup.py``).

A browser asking for ``zh``, ``zh-CN`` or ``zh-Hans-CN`` gets ``zh_Hans``
(Babel would otherwise resolve ``zh_CN`` to ``zh_Hans_CN`` and find no catalogue).
"""

from __future__ import annotations

from flask import request, session

LOCALES = ("zh_Hans", "en")
DEFAULT_LOCALE = "zh_Hans"


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
