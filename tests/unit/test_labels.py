"""Domain terms and workflow names: msgids the catalogues translate, the Chinese post and unit names the registry's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_babel import Babel, LazyString

from ticketing.deploy.resources import TRANSLATIONS
from ticketing.deploy.settings import Settings
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import PostKind, UnitKind
from ticketing.domain.permissions import ORDER
from ticketing.domain.ticket import Channel, Event, ResidentChannel
from ticketing.domain.workflow import Clock, Label
from ticketing.organisation.data import POST_LABELS_ZH, UNIT_LABELS_ZH
from ticketing.web import labels
from ticketing.web.labels import (
    ACTION_TITLES,
    CHANNELS,
    HISTORY_ACTIONS,
    NOTICE_EVENTS,
    POST_KINDS,
    RESIDENT_CHANNELS,
    RESIDENT_DEADLINES,
    RESIDENT_STATES,
    SATISFACTION,
    UNIT_KINDS,
    label_name,
    lazy_term,
    term,
)
from ticketing.workflow.files import load_workflows

TABLES = ("POST_KINDS", "UNIT_KINDS", "CHANNELS", "RESIDENT_CHANNELS", "SATISFACTION", "FLAGS")
TABLES += ("ACTION_TITLES", "HISTORY_ACTIONS", "NOTICE_EVENTS", "RATES", "RESIDENT_STATES", "RESIDENT_DEADLINES")


def _reading(locale: str) -> Iterator[None]:
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=lambda: locale)
    with app.test_request_context():
        yield


@pytest.fixture
def chinese() -> Iterator[None]:
    yield from _reading("zh_Hans")


@pytest.fixture
def english() -> Iterator[None]:
    yield from _reading("en")


def test_every_kind_has_a_label() -> None:
    assert set(POST_KINDS) == set(PostKind) and set(UNIT_KINDS) == set(UnitKind)
    assert set(CHANNELS) == set(Channel) and set(SATISFACTION) == set(Satisfaction)
    assert set(RESIDENT_CHANNELS) == set(ResidentChannel) and set(NOTICE_EVENTS) == set(Event)
    assert set(ACTION_TITLES) == set(ORDER) and set(ORDER) <= set(HISTORY_ACTIONS)


def test_every_state_and_deadline_of_the_shipped_workflows_has_a_resident_s_word() -> None:
    catalogue = load_workflows([Settings().workflows_path])
    states = {name for spec in catalogue.workflows.values() for name in spec.states}
    assert states == set(RESIDENT_STATES) and set(RESIDENT_DEADLINES) == set(Clock)


def test_a_resident_reads_no_staff_word_for_a_state_or_a_deadline(chinese: None) -> None:
    words = [term(RESIDENT_STATES, state) for state in RESIDENT_STATES]
    words += [term(RESIDENT_DEADLINES, clock) for clock in Clock]
    assert words[:3] == ["已受理", "处理中", "等待您的配合"]
    assert not any(staff in word for word in words for staff in ("签收", "回访", "时限"))


def test_every_label_is_a_msgid_of_the_catalogues_and_nothing_beside_them() -> None:
    for table in TABLES:
        assert all(isinstance(label, LazyString) for label in getattr(labels, table).values()), table
    assert isinstance(labels.RESIDENT_RECIPIENT, LazyString)


def test_the_chinese_post_and_unit_names_are_the_registry_s(chinese: None) -> None:
    assert {kind: term(POST_KINDS, kind) for kind in PostKind} == POST_LABELS_ZH
    assert {kind: term(UNIT_KINDS, kind) for kind in UnitKind} == UNIT_LABELS_ZH


@pytest.mark.parametrize(
    ("locale", "intake", "basically"),
    [("zh_Hans", "受理岗", "基本满意"), ("en", "Service centre intake", "Basically satisfied")],
)
def test_a_term_is_shown_in_the_reader_s_language(locale: str, intake: str, basically: str) -> None:
    lazy = lazy_term(POST_KINDS, PostKind.INTAKE)  # made outside a request, shown inside one
    for _ in _reading(locale):
        assert term(POST_KINDS, PostKind.INTAKE) == intake == str(lazy)
        assert term(SATISFACTION, "basically_satisfied") == basically  # a stored value finds its enum's label
        assert term(HISTORY_ACTIONS, "something_new") == "something_new"


def test_a_workflow_label_is_translated_by_the_catalogues(chinese: None) -> None:
    assert label_name(Label("Awaiting acknowledgement")) == "待签收"
    assert label_name(Label("Property repair")) == "物业维修"


def test_a_district_s_own_label_shows_its_chinese_to_chinese_readers_only(chinese: None) -> None:
    assert label_name(Label("Noise at night", zh="夜间噪音")) == "夜间噪音"
    assert label_name(Label("Noise at night")) == "Noise at night"  # no Chinese anywhere: the English


def test_english_readers_read_the_msgid(english: None) -> None:
    assert label_name(Label("Noise at night", zh="夜间噪音")) == "Noise at night"
    assert label_name(Label("Awaiting acknowledgement")) == "Awaiting acknowledgement"
