"""A workflow folder whose callback is the community's intake post (回访岗): its holders call back, not the
first responder, on the database and through the lists staff read."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from databases import DEMO_ORG, RunDatabase
from sqlalchemy import Engine

from ticketing.demo import load_demo_org
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.resources import WORKFLOWS
from ticketing.deploy.settings import Settings
from ticketing.domain.errors import NotAllowed
from ticketing.read import queues
from ticketing.services import Ticketing

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
BUILDING = "B01010101"  # community C0101: building leader A S0013, B S0014; intake post A S0008, B S0009
INTAKE_POST = "C0101.intake"


@pytest.fixture
def by_intake(engine: Engine, run_database: RunDatabase, tmp_path: Path) -> Ticketing:
    """The demo district under the shipped workflows, the general one changed to ``[callback] by = "intake"``."""

    def load() -> None:
        with engine.begin() as conn:
            load_demo_org(conn)

    run_database.prepare(DEMO_ORG, load)
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, folder)
    general = folder / "general.toml"
    text = general.read_text(encoding="utf-8")
    assert 'by = "first_responder"' in text
    general.write_text(text.replace('by = "first_responder"', 'by = "intake"'), encoding="utf-8")
    return create_ticketing(Settings(database_url=run_database.url, workflows_path=folder), engine)


def test_the_intake_posts_holders_call_back_when_the_workflow_says_so(by_intake: Ticketing) -> None:
    service = by_intake
    number = service.open_ticket(
        category="property_repair",
        description="楼道灯不亮",
        contact_phone="13806330000",
        location_id=BUILDING,
        now=MONDAY,
    ).number
    service.act(number, "acknowledge", "S0013", MONDAY)
    resolved = service.act(number, "resolve", "S0013", MONDAY + timedelta(hours=1), resolution="已更换灯泡")
    assert resolved.callback_post_id == INTAKE_POST and resolved.first_responder_id == "S0013"

    due = {
        staff: [item.ticket.number for item in queues.callbacks_due(service, staff, MONDAY).items]
        for staff in ("S0008", "S0009", "S0013", "S0014")
    }
    assert due == {"S0008": [number], "S0009": [number], "S0013": [], "S0014": []}
    with pytest.raises(NotAllowed, match="is for S0008, S0009; S0013 is not one of them"):
        service.act(number, "callback", "S0013", MONDAY + timedelta(hours=2), satisfaction="satisfied", solved=True)

    closed = service.act(
        number, "callback", "S0009", MONDAY + timedelta(hours=2), satisfaction="satisfied", solved=True
    )

    assert (closed.state, closed.callback_means) == ("closed", "phone")
    assert service.show(number).history[-1].actor_id == "S0009"
