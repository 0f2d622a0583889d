"""The message catalogues: every message in the sources has a Chinese translation with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from ticketing.deploy.resources import TRANSLATIONS
from ticketing.web.catalogues import compile_catalogues
from ticketing.web.i18n import LOCALES

REPO_ROOT = Path(__file__).resolve().parents[2]

# As README.md extracts them: ``pybabel extract -F babel.cfg -k _l -k lazy_gettext -k InvalidInput -k NotAllowed
# -k NotFound -k Conflict`` (the engine errors' first argument is their message template).
ERRORS = ("InvalidInput", "NotAllowed", "NotFound", "Conflict")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None} | dict.fromkeys(ERRORS)
# %(name)s-style (also %(name)r) and {name}-style placeholders; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGrs]|%%|\{\w*\}")


def _extracted() -> set[str]:
    """The msgids the sources hold now, extracted as ``babel.cfg`` says."""
    with (REPO_ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(REPO_ROOT, method_map, options_map, KEYWORDS)
    return {message if isinstance(message, str) else message[0] for _file, _line, message, _c, _ctx in found}


def _catalogue(locale: str) -> Catalog:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def _messages(catalogue: Catalog) -> list[Message]:
    return [message for message in catalogue if message.id]


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _texts(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@pytest.fixture(scope="module")
def chinese() -> Catalog:
    return _catalogue("zh_Hans")


def test_the_catalogues_hold_exactly_the_messages_of_the_sources() -> None:
    extracted = _extracted()
    assert len(extracted) > 300  # the extraction found the templates and the Python sources
    for locale in LOCALES:
        held = {_key(message) for message in _messages(_catalogue(locale))}
        new, gone = sorted(extracted - held), sorted(held - extracted)
        assert not new, f"{locale}: run the extract and update commands of README.md for {new}"
        assert not gone, f"{locale}: run the update command of README.md to drop {gone}"


def test_every_message_has_a_chinese_translation(chinese: Catalog) -> None:
    untranslated = [_key(m) for m in _messages(chinese) if not all(text.strip() for text in _texts(m.string))]
    fuzzy = [_key(m) for m in _messages(chinese) if m.fuzzy]
    assert not untranslated and not fuzzy and not chinese.obsolete


def test_translations_keep_the_placeholders(chinese: Catalog) -> None:
    for message in _messages(chinese):
        expected = sorted(PLACEHOLDER.findall(_texts(message.id)[-1]))  # the plural form's, if any
        for text in _texts(message.string):
            assert sorted(PLACEHOLDER.findall(text)) == expected, (message.id, text)
            assert "%" not in PLACEHOLDER.sub("", text), f"a lone % breaks formatting: {text!r}"


def test_the_catalogues_compile(tmp_path: Path) -> None:
    for locale in LOCALES:
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_bytes((TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").read_bytes())
    compile_catalogues(tmp_path)
    assert {path.parent.parent.name for path in tmp_path.glob("*/LC_MESSAGES/messages.mo")} == set(LOCALES)
