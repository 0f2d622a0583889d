"""The holidays on the admin calendars page: listed with their sources, overridden, audited, warned about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from secret_keys import TEST_SECRET_KEY

from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.services import Ticketing
from ticketing.web import create_app

Login = Callable[[str], FlaskClient]

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the web app's clock: Monday 09:00 in Shanghai
ADMIN = "S0001"
WARNING = "No State Council notice is loaded for 2027"
ADMIN_PAGES = ("/admin/organisation", "/admin/calendars", "/admin/absences", "/admin/audit", "/admin/accounts")


def _text(client: FlaskClient, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def _resolve_by(service: Ticketing) -> date:
    """The local date a request opened and acknowledged now must be resolved by (3 working days)."""
    ticket = service.open_ticket(
        category="property_repair",
        description="楼道灯不亮",
        contact_phone="13806330000",
        location_id="B01010101",
        now=NOW,
    )
    service.act(ticket.number, "acknowledge", "S0013", NOW + timedelta(minutes=10))
    due = service.show(ticket.number).ticket.due_at
    assert due is not None
    return due.astimezone(SHANGHAI).date()


def test_the_page_lists_holidays_and_make_up_workdays_with_their_sources(login: Login) -> None:
    page = _text(login(ADMIN), "/admin/calendars")

    assert "Holidays and make-up workdays" in page and "(dates in Beijing time)" in page  # the zone in words
    assert '<time datetime="2026-10-10">2026-10-10 Saturday</time>' in page
    assert '<li class="holiday-day holiday-make-up">' in page and "Make-up workday" in page
    assert '<time datetime="2027-10-01">' in page  # next year's too
    assert "State Council notice loaded" in page
    assert "Statutory holidays only: the make-up workdays are not published yet." in page
    assert "holiday library" in page and "Remove override" not in page


def test_an_override_added_on_the_page_moves_the_next_deadline_and_is_audited(login: Login, service: Ticketing) -> None:
    admin = login(ADMIN)
    before = _resolve_by(service)

    added = admin.post("/admin/calendars/holidays", data={"day": "2026-11-25", "kind": "holiday", "reason": "停水检修"})

    assert added.status_code == 302 and added.location.endswith("/admin/calendars#holidays")
    assert _resolve_by(service) == before + timedelta(days=1)
    page = _text(admin, "/admin/calendars")
    assert "Override on 2026-11-25 added" in page
    assert '<time datetime="2026-11-25">' in page and "override: 停水检修" in page
    assert "/admin/calendars/holidays/2026-11-25/remove" in page
    audit = _text(admin, "/admin/audit")
    assert "Holiday override added" in audit and "2026-11-25" in audit and "停水检修" in audit
    assert "kind of day: Holiday" in audit  # the kind in words, not its stored code

    removed = admin.post("/admin/calendars/holidays/2026-11-25/remove")
    assert removed.status_code == 302
    assert _resolve_by(service) == before
    assert "Holiday override removed" in _text(admin, "/admin/audit")


@pytest.mark.parametrize(
    ("form", "status", "says"),
    [
        ({"day": "2027-02-30", "kind": "workday", "reason": "x"}, 400, "Not a valid date value."),
        ({"day": "2029-02-06", "kind": "workday", "reason": "x"}, 400, "overrides are for this year and the next"),
        ({"day": "2027-02-06", "kind": "restday", "reason": "x"}, 400, "Not a valid choice."),
        ({"day": "2027-02-06", "kind": "workday", "reason": "x" * 201}, 400, "200 characters"),
        ({"day": "2027-02-06", "kind": "workday", "reason": ""}, 400, "This field is required."),
        ({"day": "2027-02-07", "kind": "holiday", "reason": "again"}, 409, "already an override on 2027-02-07"),
    ],
)
def test_a_wrong_override_is_refused_on_the_page_with_the_reason(
    login: Login, service: Ticketing, form: dict[str, str], status: int, says: str
) -> None:
    service.holidays.add(date(2027, 2, 7), "workday", "国办发明电", NOW, ADMIN)
    admin = login(ADMIN)

    refused = admin.post("/admin/calendars/holidays", data=form)

    assert refused.status_code == status
    assert says in refused.get_data(as_text=True)
    assert "Holidays and make-up workdays" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("day", "status", "says"),
    [
        ("2027-02-08", 404, "there is no override on 2027-02-08"),
        ("2027-02-30", 400, "is not a date; write it as YYYY-MM-DD"),
        ("next-week", 400, "is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_removing_what_is_not_there_is_refused_on_the_page(login: Login, day: str, status: int, says: str) -> None:
    refused = login(ADMIN).post(f"/admin/calendars/holidays/{day}/remove")

    assert refused.status_code == status
    assert says in refused.get_data(as_text=True)


def test_every_admin_page_warns_while_the_next_60_days_reach_a_year_without_its_notice(
    login: Login, clock: list[datetime]
) -> None:
    admin = login(ADMIN)
    for url in ADMIN_PAGES:
        assert WARNING in _text(admin, url), url
    assert "The next 60 days reach 2027" in _text(admin, "/admin/calendars")

    clock[0] = datetime(2026, 10, 1, 1, tzinfo=UTC)  # 60 days end on 30 November
    for url in ADMIN_PAGES:
        assert WARNING not in _text(admin, url), url


def test_readyz_and_the_metric_tell_operators_of_the_missing_notice(
    client: FlaskClient, app: Flask, clock: list[datetime]
) -> None:
    ready = client.get("/readyz").get_json()
    assert ready["warnings"] == [
        "holidays: no State Council notice loaded for 2027, which the next 60 days reach: its make-up workdays "
        "are unknown; add them as holiday overrides once published"
    ]
    metric = "ticketing_holiday_years_without_notice"
    assert app.extensions["ticketing_metrics"].get_sample_value(metric) == 1

    clock[0] = datetime(2026, 10, 1, 1, tzinfo=UTC)
    assert client.get("/readyz").get_json()["warnings"] == []
    assert app.extensions["ticketing_metrics"].get_sample_value(metric) == 0


def test_days_from_the_overrides_file_are_listed_as_such(
    database_url: str, service: Ticketing, login: Login, tmp_path: Path
) -> None:
    login(ADMIN)  # the account
    overrides = tmp_path / "district.toml"
    overrides.write_text('[days]\n"2027-02-06" = "workday"\n', encoding="utf-8")
    with_file = create_ticketing(Settings(database_url=database_url, holiday_overrides=overrides), service.engine)
    settings = Settings(database_url=database_url, secret_key=TEST_SECRET_KEY, secure_cookies=False, data_dir=tmp_path)
    app = create_app(settings, with_file, clock=lambda: NOW, testing=True)
    app.config["WTF_CSRF_ENABLED"] = False
    admin = app.test_client()
    admin.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    admin.post("/login", data={"staff_id": ADMIN, "password": "test-password"})

    page = _text(admin, "/admin/calendars")

    assert '<time datetime="2027-02-06">2027-02-06 Saturday</time>' in page
    assert "overrides file" in page
