"""The checkout's pages are translated: its catalogues are compiled, and no older than their sources.

The app never compiles them itself: ``pip install -e .`` does (setup.py), and
after a catalogue changes, so does ``pybabel compile`` (README, Translations).
"""

from __future__ import annotations

from ticketing.deploy.resources import TRANSLATIONS
from ticketing.web.i18n import LOCALES


def test_every_catalogue_is_compiled_and_current() -> None:
    sources = {locale: TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po" for locale in LOCALES}
    stale = [
        locale
        for locale, po in sources.items()
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    assert not stale, (
        f"compile the catalogues of {stale}: `.venv/bin/pybabel compile -d ticketing/web/translations` "
        "(or `.venv/bin/pip install -e .` again)"
    )
