"""A ticket's history reads in the reader's language, old lines included, with people and posts by name."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ticketing.domain.errors import InvalidInput, Named, NameKind
from ticketing.domain.guards import Satisfaction
from ticketing.services import Ticketing
from ticketing.web.errors import message_of

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai, the app's clock
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
BUILDING = "B01010101"  # building leader A S0013, B S0014; grid leader A S0010; party secretary S0004 (supervisor)
GRID_POST = "G010101.grid_leader"
CODES = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[A-Z]\d{4,}\b|\.[a-z_]+_leader\b")

Login = Callable[[str], FlaskClient]


def _a_long_life(service: Ticketing) -> str:
    """A ticket passed on, covered, transferred, extended, supervised, resolved and called back twice."""
    number = service.open_ticket(
        category="property_repair", description="楼道灯坏了", contact_phone="13806330000", location_id=BUILDING, now=NOW
    ).number
    service.sweep.run(NOW + 3 * HOUR)  # S0013 did not acknowledge: S0014 has it

    def act(action: str, actor: str, at: datetime, **params: object) -> None:
        service.act(number, action, actor, at, expected_version=service.show(number).ticket.version, **params)

    act("acknowledge", "S0014", NOW + 3 * HOUR)
    act("note", "S0014", NOW + 4 * HOUR, text="已联系物业")
    service.absences.record("S0014", NOW + 5 * HOUR, NOW + 3 * DAY, "区里开会", NOW + 5 * HOUR)
    act("transfer", "S0013", NOW + 6 * HOUR, target_post=GRID_POST, reason="需网格长协调")
    act("extend", "S0004", NOW + 6 * HOUR, by="2h", reason="居民出差")
    act("supervise", "S0004", NOW + 6 * HOUR, text="请今天内处理")
    act("acknowledge", "S0010", NOW + 7 * HOUR)
    act("resolve", "S0010", NOW + 7 * HOUR, resolution="已更换灯泡")
    act("callback", "S0013", NOW + 8 * HOUR, reached=False, comment="无人接听")
    act("callback", "S0013", NOW + 2 * DAY, reached=True, satisfaction="unsatisfied", solved="no", comment="还是不亮")
    return number


def _history(page: str) -> str:
    """The history section's text, without its markup."""
    section = page.split('aria-labelledby="history"', 1)[1].split("</section>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", section)
    return re.sub(r"\s+", " ", text)


def _without_names_ids(text: str) -> str:
    """The actor column reads ``王伟 (S0013)``: a name with its id is fine; an id alone is not."""
    return re.sub(r"[\u4e00-\u9fff]+ \(S\d{4}\)", "", text)


@pytest.mark.usefixtures("app")
def test_the_same_history_reads_wholly_in_chinese_or_in_english(service: Ticketing, login: Login) -> None:
    number = _a_long_life(service)
    client = login("S0004")
    english = _history(client.get(f"/staff/t/{number}").get_data(as_text=True))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    chinese = _history(client.get(f"/staff/t/{number}").get_data(as_text=True))

    for said in (
        "Channel: Online",
        "did not acknowledge in time; passed to",
        "is away (区里开会);",
        "To Grid leader · 海曲社区第一网格: 需网格长协调",
        "Acknowledgement deadline extended by 2 working hours: 居民出差",
        "Supervision",
        "请今天内处理",
        "Not reached (attempt 1): 无人接听",
        "Phone callback; Problem not solved; Unsatisfied: 还是不亮",
    ):
        assert said in english, said
    for said in (
        "渠道：网上",
        "未按时签收，转由",
        "不在岗（区里开会），由",
        "转至网格长 · 海曲社区第一网格：需网格长协调",
        "签收时限延期",
        "：居民出差",
        "督办",
        "未联系上（第1次）：无人接听",
        "电话回访；问题未解决；不满意：还是不亮",
    ):
        assert said in chinese, said
    for text in (english, chinese):
        assert not CODES.search(_without_names_ids(text)), CODES.search(_without_names_ids(text))
    assert not re.search(r"[A-Za-z]{3,}", _without_names_ids(chinese)), re.findall(r"[A-Za-z]{3,}", chinese)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "satisfaction 'happy' is not one of: Satisfied, Basically satisfied, Unsatisfied"),
        ("zh-CN", "满意、基本满意、不满意"),
    ],
)
def test_a_refusal_lists_what_is_allowed_in_words(app: Flask, language: str, said: str) -> None:
    allowed = Named(NameKind.SATISFACTION, tuple(Satisfaction))
    error = InvalidInput("satisfaction %(value)r is not one of: %(allowed)s", value="happy", allowed=allowed)

    with app.test_request_context(headers={"Accept-Language": language}):
        message = message_of(error)

    assert said in message and "basically_satisfied" not in message
    assert str(error).endswith("satisfied, basically_satisfied, unsatisfied")  # logs and the CLI keep the codes


@pytest.mark.usefixtures("app")
def test_a_refused_action_names_the_tickets_state_in_words(service: Ticketing, login: Login) -> None:
    number = service.open_ticket(
        category="property_repair", description="楼道灯坏了", contact_phone="13806330000", location_id=BUILDING, now=NOW
    ).number
    client = login("S0013")
    data = {"propose_termination-version": "1", "propose_termination-reason": "不属于社区职责"}

    response = client.post(f"/staff/t/{number}/propose_termination", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert f"ticket {number} is Awaiting acknowledgement: 诉求终结 is proposed while" in page
