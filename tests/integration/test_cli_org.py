"""``ticketing org import`` and ``ticketing org show`` as an office administrator runs them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from ticketing.cli import cli
from ticketing.db.org_store import load_org, org_version
from ticketing.demo import DEMO_ORG_FILE

Run = Callable[..., Result]


@pytest.fixture
def run(engine: Engine) -> Run:
    url = engine.url.render_as_string(hide_password=False)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--database-url", url, "org", *args])

    return invoke


def test_import_prints_counts_and_a_second_import_changes_nothing(run: Run, engine: Engine) -> None:
    first = run("import", str(DEMO_ORG_FILE))
    assert first.exit_code == 0, first.output
    assert "units      261 created, 0 updated, 0 unchanged, 0 not in file" in first.stdout
    assert "registry version 1" in first.stdout
    second = run("import", str(DEMO_ORG_FILE))
    assert second.exit_code == 0, second.output
    assert "posts      0 created, 0 updated, 216 unchanged, 0 not in file" in second.stdout
    assert second.stdout.rstrip().endswith("nothing changed")
    with engine.connect() as conn:
        assert org_version(conn) == 1


def test_an_import_shows_its_progress_when_asked(run: Run, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("岗位,单位编号,AB岗,工号\n楼长,B01010101,A,S0014\n楼长,B01010101,B,S0013\n", encoding="utf-8")
    quiet = run("import", str(DEMO_ORG_FILE))
    assert quiet.exit_code == 0 and quiet.stderr == ""  # stderr is no terminal here: nothing unless asked
    result = run("import", "--progress", str(DEMO_ORG_FILE), str(roster))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "importing: 0% (0 of 6), reading district.yaml",
        "importing: 10% (1 of 6), reading roster.csv",
        "importing: 30% (2 of 6), saving calendars",
        "importing: 50% (3 of 6), saving units",
        "importing: 60% (4 of 6), saving staff",
        "importing: 80% (5 of 6), saving posts",
        "importing: 100% (6 of 6), saved",
    ]
    assert "registry version 2" in result.stdout  # the roster swapped the building's holders


def test_a_broken_file_exits_1_naming_every_problem_and_writes_nothing(
    run: Run,
    engine: Engine,
    tmp_path: Path,
) -> None:
    assert run("import", str(DEMO_ORG_FILE)).exit_code == 0
    text = DEMO_ORG_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        text.replace("{a: S0013, b: S0014}", "{a: S0013, b: S9999}").replace("name: 东港区", "name: 东港"),
        encoding="utf-8",
    )
    roster = tmp_path / "roster.csv"
    roster.write_text("岗位,单位编号,AB岗,工号\n楼长,B01010101,X,S0001\n", encoding="utf-8")
    result = run("import", str(broken), str(roster))
    assert result.exit_code == 1
    line = text[: text.index("{a: S0013, b: S0014}")].count("\n") + 1
    where = "district.streets[0].communities[0].grids[0].buildings[0].building_leader.b"
    assert f"{broken} line {line}, building B01010101: {where}: unknown staff 'S9999'" in result.stderr
    assert f"{roster}: row 2, column AB岗: 'X' is not A, B or a further holder" in result.stderr
    assert "nothing was imported" in result.stderr
    with engine.connect() as conn:
        assert org_version(conn) == 1
        assert load_org(conn).organisation.units["D01"].name == "东港区"


def test_show_prints_the_tree_with_holder_names(run: Run) -> None:
    run("import", str(DEMO_ORG_FILE))
    result = run("show")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "registry version 1: 261 units, 216 posts, 257 staff"
    grid = "      海曲社区第一网格 G010101 · 10 楼院, 2 街巷路段, 1 物业服务单位, 4 商户 · 网格长 A "
    assert any(line.startswith(grid) for line in lines)
    assert any("社区党组织书记 A " in line and "受理岗 A " in line for line in lines)


def test_show_json_is_the_whole_registry(run: Run) -> None:
    run("import", str(DEMO_ORG_FILE))
    result = run("show", "--json")
    assert result.exit_code == 0, result.output
    registry = json.loads(result.stdout)
    assert (len(registry["units"]), len(registry["posts"]), len(registry["staff"])) == (261, 216, 257)
    assert registry["default_intake_community"] == "C0101"
    intake = next(post for post in registry["posts"] if post["id"] == "C0101.intake")
    assert intake["calendar"] == "staggered"
    assert registry["calendars"]["standard"]["workday"] == ["08:30-12:00", "13:30-17:30"]


def test_show_on_an_empty_registry_says_how_to_fill_it(run: Run) -> None:
    result = run("show")
    assert result.exit_code == 0
    assert "ticketing org import FILE" in result.stdout
