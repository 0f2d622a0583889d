"""The web app's health and status pages over the test database."""

from __future__ import annotations

from datetime import UTC, datetime

from ticketing.services import Ticketing
from ticketing.settings import Settings
from ticketing.web import create_app


def test_health_and_status_pages(service: Ticketing, database_url: str) -> None:
    service.open_ticket(
        category="sanitation",
        description="垃圾未清运",
        contact_phone="13806330000",
        location_id="B01010101",
        now=datetime(2026, 11, 23, 1, tzinfo=UTC),
    )
    client = create_app(Settings(database_url=database_url), service).test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    page = client.get("/").get_data(as_text=True)
    assert "居民一般诉求" in page and "最新 current" in page
    assert "<td>new</td><td>1</td>" in page
