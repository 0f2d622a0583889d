"""The staff API answers a ticket's history with its codes and each line in the caller's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from werkzeug.test import TestResponse

from ticketing.services import Ticketing

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai
BUILDING = "B01010101"  # building leader A S0013 (陈强), B S0014 (吴红霞)
Call = Callable[..., TestResponse]


def test_a_history_line_carries_its_codes_and_reads_in_the_callers_language(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    number = service.open_ticket(
        category="property_repair",
        description="楼道灯坏了",
        contact_phone="13806330000",
        location_id="B01010101",
        now=NOW,
    ).number
    service.sweep.run(NOW + timedelta(hours=3))  # S0013 did not acknowledge: S0014 has it
    call = as_staff("S0014")

    english = call("GET", f"/api/v1/tickets/{number}", headers={"Accept-Language": "en"}).get_json()["history"]
    chinese = call("GET", f"/api/v1/tickets/{number}", headers={"Accept-Language": "zh-CN"}).get_json()["history"]

    passed = english[1]
    assert (passed["action"], passed["details"]) == (
        "handover",
        {"cause": "not_acknowledged", "from": "S0013", "to": "S0014"},
    )
    assert passed["text"] == "陈强 did not acknowledge in time; passed to 吴红霞"
    assert chinese[1]["text"] == "陈强未按时签收，转由吴红霞办理"
    assert (english[0]["text"], chinese[0]["text"]) == ("Channel: Online", "渠道：网上")
