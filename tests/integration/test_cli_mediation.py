"""Dispute mediation and the police post's holders from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result
from databases import RunDatabase
from sqlalchemy import Engine

from ticketing.cli import cli

MONDAY = "2026-11-23T09:00"
POLICE = "C0101.community_police"  # officer S0006, auxiliaries S0007 and S0252
GRID_LEADER, AUXILIARY = "S0010", "S0252"

Run = Callable[..., Result]


@pytest.fixture
def run(engine: Engine, run_database: RunDatabase) -> Run:
    """The command on a database where ``demo --load-only`` ran (once a run; restored for each test)."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--database-url", run_database.url, *args], catch_exceptions=False)

    def load_demo() -> None:
        assert invoke("demo", "--load-only").exit_code == 0

    run_database.prepare("demo_cli", load_demo)
    return invoke


def _json(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def _dispute(run: Run) -> str:
    opened = _json(
        run(
            "tickets",
            "open",
            "--category",
            "neighbour_dispute",
            "--description",
            "邻里噪音纠纷",
            "--phone",
            "13806331234",
            "--location",
            "B01010101",
            "--now",
            MONDAY,
            "--json",
        )
    )
    return str(opened["number"])


def test_the_grid_leader_invites_the_police_and_an_auxiliary_records_the_mediation(run: Run) -> None:
    number = _dispute(run)

    invited = _json(
        run(
            "tickets",
            "act",
            number,
            "invite",
            "--as",
            GRID_LEADER,
            "--post",
            POLICE,
            "--reason",
            "请民警协助调解",
            "--now",
            MONDAY,
            "--json",
        )
    )
    mediated = _json(
        run(
            "tickets",
            "act",
            number,
            "mediate",
            "--as",
            AUXILIARY,
            "--outcome",
            "success",
            "--agreement",
            "双方签订调解协议",
            "--now",
            MONDAY,
            "--json",
        )
    )
    released = _json(
        run("tickets", "act", number, "release", "--as", GRID_LEADER, "--post", POLICE, "--now", MONDAY, "--json")
    )

    assert [joined["post"]["id"] for joined in invited["ticket"]["joined"]] == [POLICE]
    assert mediated["ticket"]["mediation"]["outcome"] == "success"
    assert released["ticket"]["joined"] == []
    shown = run("tickets", "show", number).stdout
    assert "invite" in shown and "mediate" in shown and "release" in shown


def test_a_mediation_outcome_outside_the_three_is_refused(run: Run) -> None:
    number = _dispute(run)

    result = run("tickets", "act", number, "mediate", "--as", GRID_LEADER, "--outcome", "settled")

    assert result.exit_code == 2
    assert "'settled' is not one of 'success', 'partial', 'failed'" in result.output


def test_org_holders_gives_the_police_post_a_third_holder_and_show_lists_it(run: Run) -> None:
    result = run("org", "holders", POLICE, "--a", "S0006", "--b", AUXILIARY, "--more", "S0007", "--now", MONDAY)

    assert result.exit_code == 0, result.output
    assert f"{POLICE}: S0006 / {AUXILIARY} / S0007" in result.stdout
    registry = json.loads(run("org", "show", "--json").stdout)
    police = next(post for post in registry["posts"] if post["id"] == POLICE)
    assert (police["holder_a"], police["holder_b"], police["more_holders"]) == ("S0006", AUXILIARY, ["S0007"])


def test_org_holders_refuses_someone_twice(run: Run) -> None:
    result = run("org", "holders", POLICE, "--a", "S0006", "--b", "S0007", "--more", "S0006")

    assert result.exit_code == 1
    assert "more_holders: twice" in result.stderr
