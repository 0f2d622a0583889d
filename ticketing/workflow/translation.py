"""The message catalogues read outside a request, for texts whose language is not the reader's.

Pages translate with Flask-Babel in the reader's locale.  Notices (in their
recipient's language), Open311 (in Chinese), the engine's refusals and the
workflow diagrams (in both) name states and categories in a language of their
own; they read the same compiled catalogues here.
"""

from __future__ import annotations

from functools import cache

from babel.support import NullTranslations, Translations

from ticketing.deploy.resources import TRANSLATIONS
from ticketing.domain.workflow import Label

CHINESE = "zh_Hans"
ENGLISH = "en"


@cache
def _catalogue(locale: str) -> NullTranslations:
    """The compiled catalogue of ``locale``; one that translates nothing if there is none."""
    return Translations.load(str(TRANSLATIONS), [locale])


def translate(text: str, locale: str) -> str:
    """``text`` (a msgid) in ``locale``; ``text`` itself where the catalogue has no translation."""
    return _catalogue(locale).gettext(text)


def name_in(label: Label, locale: str) -> str:
    """A workflow's, state's or category's name in ``locale``: a district's own Chinese first, else the catalogue's."""
    if label.zh and locale == CHINESE:
        return label.zh
    return translate(label.text, locale)


def both(label: Label) -> str:
    """``待签收 / Awaiting acknowledgement``: for texts read by Chinese and English readers alike."""
    return f"{name_in(label, CHINESE)} / {name_in(label, ENGLISH)}"


def is_translated(text: str) -> bool:
    """Whether the catalogues give ``text`` a Chinese name."""
    return translate(text, CHINESE) != text
