"""Pages speak Chinese by default and English after the switch: catalogue messages and domain terms alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from ticketing.services import Ticketing

Login = Callable[[str], FlaskClient]
NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai, the app's clock

# url, what the Chinese page says, what the English page says (each absent from the other language's page)
PUBLIC_PAGES = [
    (
        "/",
        ["社区网格服务", "我要反映", "进度查询", "工作人员登录"],
        ["Community grid", "Open a request", "Track a request"],
    ),
    (
        "/r/new",
        ["问题描述", "联系电话", "物业维修", "楼院"],
        ["What is the problem?", "Your phone number", "Property repair"],
    ),
    ("/login", ["工作人员登录", "工号", "密码"], ["Staff log in", "Staff number", "Password"]),
]


def _chinese(client: FlaskClient) -> FlaskClient:
    """The client without the English ``Accept-Language`` the fixtures give it."""
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE")
    return client


def _page(client: FlaskClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _check(page: str, said: list[str], unsaid: list[str]) -> None:
    """``page`` says all of ``said`` and none of ``unsaid``."""
    missing, present = [t for t in said if t not in page], [t for t in unsaid if t in page]
    assert not missing and not present, f"missing {missing}, unexpected {present}"


@pytest.mark.parametrize(("url", "chinese", "english"), PUBLIC_PAGES)
def test_public_pages_are_chinese_until_the_reader_switches(
    client: FlaskClient, url: str, chinese: list[str], english: list[str]
) -> None:
    _chinese(client)
    page = _page(client, url)
    assert 'lang="zh-Hans"' in page
    _check(page, chinese, english)
    _check(_page(client, url, **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}), chinese, english)

    assert client.post("/language/en", data={"next": url}).status_code == 302
    page = _page(client, url, **{"Accept-Language": "zh-CN"})  # the switch wins over the browser
    assert 'lang="en"' in page
    _check(page, english, chinese)


def test_a_staff_queue_and_ticket_follow_the_language(service: Ticketing, login: Login) -> None:
    number = service.open_ticket(
        category="property_repair",
        description="楼道灯坏了",
        contact_phone="13806330000",
        location_id="B01010101",
        now=NOW,
    ).number
    client = _chinese(login("S0013"))  # the building leader (A) of the ticket's post

    queue = _page(client, "/staff/queue")
    _check(queue, ["我的待办", "待签收", "物业维修", "（工作时间）", "1件工单"], ["My queue", "Awaiting", "Property"])
    ticket = _page(client, f"/staff/t/{number}")
    # domain terms from ticketing.web.labels: action, channel, history entry, post kind
    _check(ticket, ["首问负责人", ">签收<", "网上", "已受理", "楼长 · "], ["Acknowledge", "Online", "Building leader"])

    client.post("/language/en", data={"next": "/staff/queue"})
    queue = _page(client, "/staff/queue")
    _check(
        queue,
        ["My queue", "Awaiting acknowledgement", "Property repair", "left (working time)", "1 ticket"],
        ["我的待办", "待签收"],
    )
    ticket = _page(client, f"/staff/t/{number}")
    _check(
        ticket, ["First responder", ">Acknowledge<", "Online", "Opened", "Building leader · "], ["签收", "网上", "楼长"]
    )


def test_a_refused_action_says_why_in_the_page_language(service: Ticketing, login: Login) -> None:
    ticket = service.open_ticket(
        category="property_repair",
        description="楼道灯坏了",
        contact_phone="13806330000",
        location_id="B01010101",
        now=NOW,
    )
    client = _chinese(login("S0013"))  # a holder of the ticket's post, but the ticket is not acknowledged yet

    response = client.post(
        f"/staff/t/{ticket.number}/resolve",
        data={"resolve-version": ticket.version, "resolve-resolution": "已更换楼道灯"},
    )
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    _check(page, ["状态，不能执行 resolve；可执行："], ["cannot resolve a ticket"])

    client.post("/language/en", data={"next": f"/staff/t/{ticket.number}"})
    response = client.post(
        f"/staff/t/{ticket.number}/resolve",
        data={"resolve-version": ticket.version, "resolve-resolution": "已更换楼道灯"},
    )
    _check(response.get_data(as_text=True), ["cannot resolve a ticket in state"], ["不能执行"])
