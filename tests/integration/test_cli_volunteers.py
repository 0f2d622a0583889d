"""``ticketing volunteers``: 双报到 and volunteer service from the command line, over a real database."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ticketing.cli import cli
from ticketing.services import Ticketing

NOW = "2026-11-23T09:00"  # Monday, local time
SECRETARY, GRID_LEADER, BUILDING_LEADER, OTHER_SECRETARY = "S0004", "S0010", "S0013", "S0055"

Run = Callable[..., Result]


@pytest.fixture
def run(service: Ticketing, database_url: str) -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--database-url", database_url, *args], catch_exceptions=False)

    return invoke


def _ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stdout


def _id(output: str, what: str) -> int:
    found = re.search(rf"{what} (\d+)", output)
    assert found, output
    return int(found.group(1))


def _register(run: Run, name: str, phone: str, kind: str = "member") -> int:
    extra = ["--work-unit", "区财政局"] if kind == "member" else ["--contact-name", "李主任", "--offer", "电工两名"]
    out = _ok(
        run(
            "volunteers",
            "register",
            "--community",
            "C0101",
            "--kind",
            kind,
            "--name",
            name,
            "--phone",
            phone,
            *extra,
            "--now",
            NOW,
        )
    )
    assert "link: " in out and "shown once" in out
    return _id(out, "registration")


def test_register_decide_publish_claim_confirm_record_and_total_the_cards(service: Ticketing, run: Run) -> None:
    member = _register(run, "王建国", "13906331234")
    unit = _register(run, "区供电公司", "0633-8881234", "unit")

    refused = run("volunteers", "decide", str(member), "approved", "--as", GRID_LEADER, "--now", NOW)
    assert refused.exit_code == 1 and refused.stderr.startswith("error: ")
    for registrant in (member, unit):
        assert "approved" in _ok(
            run("volunteers", "decide", str(registrant), "approved", "--as", SECRETARY, "--now", NOW)
        )
    listed = _ok(run("volunteers", "registrations", "--community", "C0101", "--status", "approved"))
    assert f"registration {member}" in listed and "13906331234" in listed and "区供电公司" in listed
    as_json = json.loads(_ok(run("volunteers", "registrations", "--kind", "unit", "--json")))
    assert [(row["id"], row["contact_name"]) for row in as_json] == [(unit, "李主任")]
    link = _ok(run("volunteers", "link", str(member), "--now", NOW)).split()[1]
    assert service.volunteering.by_link(link).id == member

    published = _ok(
        run(
            "volunteers",
            "publish",
            "--community",
            "C0101",
            "--kind",
            "need",
            "--title",
            "代买药品",
            "--description",
            "每周两次",
            "--from",
            "2026-11-23",
            "--to",
            "2026-12-20",
            "--people",
            "3",
            "--hours",
            "2",
            "--as",
            GRID_LEADER,
            "--now",
            NOW,
        )
    )
    item = _id(published, "item")
    mine = _id(_ok(run("volunteers", "claim", str(item), "--member", str(member), "--now", NOW)), "claim")
    theirs = _id(
        _ok(run("volunteers", "claim", str(item), "--unit", str(unit), "--people", "2", "--now", NOW)), "claim"
    )
    over = run("volunteers", "claim", str(item), "--unit", str(unit), "--now", NOW)
    assert over.exit_code == 1 and "error:" in over.stderr
    assert "0/3 left" in _ok(run("volunteers", "items", "--community", "C0101"))
    for claim in (mine, theirs):
        assert "confirmed" in _ok(run("volunteers", "confirm", str(claim), "--as", GRID_LEADER, "--now", NOW))

    _ok(
        run(
            "volunteers",
            "record",
            str(mine),
            "--date",
            "2026-11-23",
            "--hours",
            "1.5",
            "--what",
            "代买药品",
            "--now",
            NOW,
        )
    )
    _ok(
        run(
            "volunteers",
            "record",
            "--unit",
            str(unit),
            "--date",
            "2026-11-22",
            "--hours",
            "2",
            "--people",
            "2",
            "--what",
            "联合活动",
            "--now",
            NOW,
        )
    )
    ahead = run("volunteers", "record", str(mine), "--date", "2026-11-30", "--hours", "1", "--what", "x", "--now", NOW)
    assert ahead.exit_code == 1 and "ahead" in ahead.stderr
    cards = _ok(run("volunteers", "cards", "--community", "C0101", "--from", "2026-11-01", "--to", "2026-11-30"))
    assert cards.splitlines() == [
        f"unit {unit}  C0101  区供电公司  1 entry  4 person-hours",
        f"member {member}  C0101  王建国  1 entry  1.5 person-hours",
    ]
    totals = json.loads(_ok(run("volunteers", "cards", "--from", "2026-11-01", "--to", "2026-11-30", "--json")))
    assert [(row["claimant_id"], row["person_hours"]) for row in totals["items"]] == [(unit, 4.0), (member, 1.5)]
    items = json.loads(_ok(run("volunteers", "items", "--json")))
    assert [(row["id"], row["places_left"]) for row in items] == [(item, 0)]


def test_teams_declines_and_refusals(run: Run) -> None:
    a = _register(run, "王建国", "13906331234")
    b = _register(run, "赵敏", "13906331235")
    for registrant in (a, b):
        _ok(run("volunteers", "decide", str(registrant), "approved", "--now", NOW))

    created = _ok(
        run(
            "volunteers",
            "team-create",
            "--community",
            "C0101",
            "--name",
            "红色先锋队",
            "--brand",
            "邻里帮",
            "--member",
            str(a),
            "--member",
            str(b),
            "--leader",
            str(a),
            "--now",
            NOW,
        )
    )
    team = _id(created, "team")
    assert _ok(run("volunteers", "teams")).strip() == (
        f"team {team}  C0101  红色先锋队 (邻里帮)  members {min(a, b)},{max(a, b)}  leader {a}"
    )
    assert json.loads(_ok(run("volunteers", "teams", "--json")))[0]["members"] == sorted([a, b])
    change = ("volunteers", "team-change", str(team), "--name", "银发先锋队", "--member", str(b))
    not_manager = run(*change, "--as", GRID_LEADER)
    assert not_manager.exit_code == 1 and "error:" in not_manager.stderr
    assert run(*change, "--leader", str(a)).exit_code == 1  # the leader is no member
    assert "no volunteer team 424242" in run("volunteers", "team-change", "424242", "--name", "x").stderr
    changed = _ok(run(*change, "--member", str(a), "--brand", "夕阳红", "--leader", str(b), "--as", SECRETARY))
    assert changed.strip() == f"team {team}  C0101  银发先锋队 (夕阳红)  members {min(a, b)},{max(a, b)}  leader {b}"
    assert _ok(run(*change)).strip() == f"team {team}  C0101  银发先锋队  members {b}  leader -"
    _ok(run(*change, "--member", str(a), "--brand", "邻里帮", "--leader", str(a)))
    published = _ok(
        run(
            "volunteers",
            "publish",
            "--community",
            "C0101",
            "--kind",
            "project",
            "--title",
            "周末义诊",
            "--description",
            "社区广场",
            "--from",
            "2026-11-28",
            "--to",
            "2026-11-29",
            "--people",
            "5",
            "--now",
            NOW,
        )
    )
    item = _id(published, "item")
    claim = _id(_ok(run("volunteers", "claim", str(item), "--team", str(team), "--people", "2", "--now", NOW)), "claim")
    assert "declined" in _ok(run("volunteers", "decline", str(claim), "--reason", "人数已满", "--now", NOW))

    both = run("volunteers", "claim", str(item), "--team", str(team), "--member", str(a))
    assert both.exit_code == 2 and "exactly one" in both.output
    bad_date = run("volunteers", "cards", "--from", "2026-02-30", "--to", "2026-03-01")
    assert bad_date.exit_code == 2 and "2026-02-30" in bad_date.output
    far = run("volunteers", "cards", "--from", "9999-01-01", "--to", "9999-01-02")
    assert far.exit_code == 2
    backwards = run("volunteers", "cards", "--from", "2026-12-01", "--to", "2026-11-01")
    assert backwards.exit_code == 1 and "period" in backwards.stderr
    stranger = run("volunteers", "registrations", "--as", BUILDING_LEADER)
    assert stranger.exit_code == 1 and "error:" in stranger.stderr
    other = run("volunteers", "registrations", "--community", "C0101", "--as", OTHER_SECRETARY)
    assert other.exit_code == 1
    missing = run("volunteers", "confirm", "424242")
    assert missing.exit_code == 1 and "no claim 424242" in missing.stderr


def test_import_a_file_and_ask_help_for_a_ticket(service: Ticketing, run: Run, tmp_path: Path) -> None:
    rows = tmp_path / "双报到.csv"
    rows.write_text(
        "类型,名称,电话,联系人,工作单位,特长,可提供资源,每月可服务时长\n"
        "党员,王建国,13906331234,,区财政局,水电维修,,8\n"
        "单位,区供电公司,0633-8881234,李主任,,,电工两名,\n",
        encoding="utf-8",
    )
    refused = run("volunteers", "import", str(rows), "--community", "C0101", "--as", GRID_LEADER, "--now", NOW)
    assert refused.exit_code == 1
    assert "2 added, 0 skipped" in _ok(run("volunteers", "import", str(rows), "--community", "C0101", "--now", NOW))
    assert "0 added, 2 skipped" in _ok(
        run("volunteers", "import", str(rows), "--community", "C0101", "--as", SECRETARY, "--now", NOW)
    )
    assert len(_ok(run("volunteers", "registrations", "--status", "approved")).splitlines()) == 2

    ticket = service.open_ticket(
        category="property_repair",
        description="独居老人家中水管漏水",
        contact_phone="13806330000",
        location_id="B01010101",
        now=datetime(2026, 11, 23, 1, tzinfo=UTC),
    )
    service.act(ticket.number, "acknowledge", BUILDING_LEADER, datetime(2026, 11, 23, 1, 5, tzinfo=UTC))
    ask = ("--title", "搬家具", "--description", "修水管前挪开家具", "--people", "2", "--now", NOW)
    refused = run("volunteers", "ask-help", ticket.number, "--as", SECRETARY, *ask)
    assert refused.exit_code == 1 and ticket.number in refused.stderr
    asked = _ok(run("volunteers", "ask-help", ticket.number, "--as", BUILDING_LEADER.lower(), *ask))
    item = _id(asked, "item")
    listed = _ok(run("volunteers", "items", "--kind", "need"))
    assert f"item {item}" in listed and "2026-11-23 – 2026-11-30" in listed and f"ticket #{ticket.id}" in listed
