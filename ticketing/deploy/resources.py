"""Where the files the code reads live, in a checkout and in an installed wheel alike.

The checkout keeps ``workflows/``, ``templates/`` and ``migrations/`` beside
the package; the build (``setup.py``) copies them into the wheel under
``ticketing/bundled/``, so an installed package finds its own copy and an
editable install reads the checkout's. Static files and the catalogues are
package data in both cases; the catalogues' ``.mo`` files are compiled by the
build (in place for an editable install), never when the app starts.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
"""The ``ticketing`` package folder (this module is in ``ticketing/deploy/``)."""
BUNDLED = PACKAGE / "bundled"
"""Where a wheel carries the top-level folders; absent in a checkout."""

BUNDLED_FOLDERS = ("workflows", "templates", "migrations")
"""The checkout's top-level folders a wheel carries, by name (``setup.py`` reads this)."""


def _top_level(name: str) -> Path:
    """The wheel's copy of the folder ``name`` when installed, else the checkout's, beside the package."""
    bundled = BUNDLED / name
    return bundled if bundled.is_dir() else PACKAGE.parent / name


WORKFLOWS = _top_level("workflows")
TEMPLATES = _top_level("templates")
MIGRATIONS = _top_level("migrations")
NOTIFICATION_TEMPLATES = TEMPLATES / "notifications"
STATIC = PACKAGE / "web" / "static"
TRANSLATIONS = PACKAGE / "web" / "translations"
