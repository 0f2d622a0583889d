"""The web app's frame: start page, status, login, language, errors."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from ticketing.services import Ticketing
from ticketing.services.accounts import set_password

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)


def test_health_and_status_pages(service: Ticketing, client: FlaskClient) -> None:
    service.open_ticket(
        category="sanitation", description="垃圾未清运", contact_phone="13806330000", location_id="B01010101", now=NOW
    )
    assert client.get("/healthz").get_json() == {"status": "ok"}
    page = client.get("/status", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "居民一般诉求" in page and "<td>已受理</td><td>1</td>" in page  # states in resident words, never codes
    assert "<td>new</td>" not in page and "closed_unreachable" not in page
    english = client.get("/status").get_data(as_text=True)
    assert "<td>Received</td><td>1</td>" in english and "<td>Overdue</td><td>0</td>" in english


def test_staff_log_in_with_the_right_password_only(service: Ticketing, client: FlaskClient) -> None:
    set_password(service.engine, "S0013", "correct horse", NOW)
    wrong = client.post("/login", data={"staff_id": "S0013", "password": "nope"})
    assert wrong.status_code == 200 and "S0013" in wrong.get_data(as_text=True)
    right = client.post("/login", data={"staff_id": "S0013", "password": "correct horse"})
    assert right.status_code == 302
    assert "(S0013)" in client.get("/").get_data(as_text=True)


def test_the_language_switch_sticks(client: FlaskClient) -> None:
    client.post("/language/en", data={"next": "/"})
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    client.post("/language/zh_Hans", data={"next": "/"})
    assert 'lang="zh-Hans"' in client.get("/").get_data(as_text=True)


def test_forms_refuse_a_post_without_csrf_token(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    assert app.test_client().post("/login", data={"staff_id": "S0013", "password": "x"}).status_code == 400


def test_an_unknown_page_is_a_clear_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "404" in response.get_data(as_text=True)
