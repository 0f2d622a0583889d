"""Domain-term labels: one (zh, en) pair per term, the Chinese post and unit names shared with the CLI."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import Babel

from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import PostKind, UnitKind
from ticketing.domain.permissions import ORDER
from ticketing.domain.ticket import Channel, Event, ResidentChannel
from ticketing.orgdata import POST_LABELS_ZH, UNIT_LABELS_ZH
from ticketing.web.labels import (
    ACTION_TITLES,
    CHANNELS,
    HISTORY_ACTIONS,
    NOTICE_EVENTS,
    POST_KINDS,
    RESIDENT_CHANNELS,
    SATISFACTION,
    UNIT_KINDS,
    lazy_term,
    term,
)


def test_every_kind_has_a_label_and_the_chinese_post_and_unit_names_are_the_registry_s() -> None:
    assert {kind: zh for kind, (zh, _en) in POST_KINDS.items()} == POST_LABELS_ZH
    assert {kind: zh for kind, (zh, _en) in UNIT_KINDS.items()} == UNIT_LABELS_ZH
    assert set(POST_KINDS) == set(PostKind) and set(UNIT_KINDS) == set(UnitKind)
    assert set(CHANNELS) == set(Channel) and set(SATISFACTION) == set(Satisfaction)
    assert set(RESIDENT_CHANNELS) == set(ResidentChannel) and set(NOTICE_EVENTS) == set(Event)
    assert set(ACTION_TITLES) == set(ORDER) and set(ORDER) <= set(HISTORY_ACTIONS)


@pytest.mark.parametrize(
    ("locale", "intake", "basically"),
    [("zh_Hans", "受理岗", "基本满意"), ("en", "Service centre intake", "Basically satisfied")],
)
def test_a_term_is_shown_in_the_reader_s_language(locale: str, intake: str, basically: str) -> None:
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: locale)
    lazy = lazy_term(POST_KINDS, PostKind.INTAKE)  # made outside a request, shown inside one
    with app.test_request_context():
        assert term(POST_KINDS, PostKind.INTAKE) == intake == str(lazy)
        assert term(SATISFACTION, "basically_satisfied") == basically  # a stored value finds its enum's label
        assert term(HISTORY_ACTIONS, "something_new") == "something_new"
