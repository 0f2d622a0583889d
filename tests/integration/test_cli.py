"""The ``ticketing`` command as an operator uses it: output, exit codes, errors on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from databases import RunDatabase
from sqlalchemy import Engine, select, update

from ticketing.cli import cli
from ticketing.db.rollup import fold
from ticketing.db.schema import api_keys, daily_counts, tickets
from ticketing.services.accounts import authenticate
from ticketing.services.credentials import api_key_owner, token_owner

MONDAY = "2026-11-23T09:00"
DEMO_LOADED = "2026-11-26T11:00"  # a Thursday morning: three of the demo's tickets are overdue


Run = Callable[..., Result]


@pytest.fixture
def run(engine: Engine, run_database: RunDatabase) -> Run:
    """The command on a database where ``demo --load-only`` ran (once a run; restored for each test)."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--database-url", run_database.url, *args], catch_exceptions=False)

    def load_demo() -> None:
        # Loaded at a fixed moment: which of its tickets are overdue depends on the hour of the week it is loaded at.
        assert invoke("demo", "--load-only", "--now", DEMO_LOADED).exit_code == 0

    run_database.prepare("demo_cli", load_demo)
    return invoke


def _open(run: Run, *extra: str) -> dict[str, Any]:
    """Open a sanitation request at 阳光小区4号楼 on Monday morning, as JSON."""
    return _json(
        run(
            "tickets",
            "open",
            "--category",
            "sanitation",
            "--description",
            "垃圾未清运",
            "--phone",
            "13806331234",
            "--location",
            "B01010104",
            "--now",
            MONDAY,
            "--json",
            *extra,
        )
    )


def _json(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_init_reports_the_database_and_workflows(run: Run) -> None:
    result = run("init")
    assert result.exit_code == 0
    assert "workflows: dispute, general, outside" in result.stdout


def test_demo_loads_tickets_in_every_state_once(run: Run) -> None:
    listed = json.loads(run("tickets", "list", "--limit", "500", "--json").stdout)
    states = {t["state"] for t in listed}
    assert states >= {
        "new",
        "in_progress",
        "waiting_resident",
        "resolved",
        "referred",
        "closed",
        "closed_unreachable",
        "returned",
    }
    assert any(t["overdue"] for t in listed)
    again = run("demo", "--load-only")
    assert "already loaded" in again.stdout
    assert len(json.loads(run("tickets", "list", "--limit", "500", "--json").stdout)) == len(listed)


def test_a_walk_in_request_through_to_callback(run: Run) -> None:
    opened = _json(
        run(
            "tickets",
            "open",
            "--category",
            "elderly_services",
            "--description",
            "想申请助餐",
            "--phone",
            "13806331234",
            "--location",
            "B01010103",
            "--as",
            "S0008",
            "--now",
            MONDAY,
            "--json",
        )
    )
    number = opened["number"]
    assert opened["channel"] == "walk_in" and opened["first_responder_id"] == "S0008"
    holder = opened["holder_id"]
    _json(run("tickets", "act", number, "acknowledge", "--as", holder, "--now", MONDAY, "--json"))
    resolved = _json(
        run(
            "tickets",
            "act",
            number,
            "resolve",
            "--as",
            holder,
            "--resolution",
            "已登记助餐",
            "--now",
            "2026-11-23T15:00",
            "--json",
        )
    )
    assert resolved["state"] == "resolved"
    refused = run("tickets", "act", number, "callback", "--as", holder, "--satisfaction", "satisfied")
    assert refused.exit_code == 1 and "is for S0008, S0009; S0015 is not one of them" in refused.stderr
    closed = _json(
        run(
            "tickets",
            "act",
            number,
            "callback",
            "--as",
            "S0008",
            "--solved",
            "--satisfaction",
            "satisfied",
            "--now",
            "2026-11-24T10:00",
            "--json",
        )
    )
    assert closed["state"] == "closed"
    shown = run("tickets", "show", number)
    assert "callback" in shown.stdout and "open" in shown.stdout
    history = _json(run("tickets", "show", number, "--json"))["history"]
    assert [h["action"] for h in history] == ["open", "acknowledge", "resolve", "callback"]
    assert history[0]["at"] == "2026-11-23T09:00:00+08:00"


def test_a_patrol_report_and_an_anonymous_request_open_without_a_phone(run: Run) -> None:
    where = ("--category", "sanitation", "--description", "楼道堆放杂物", "--location", "B01010103", "--now", MONDAY)

    patrol = _json(run("tickets", "open", *where, "--channel", "patrol", "--as", "S0010", "--json"))
    anonymous = _json(run("tickets", "open", *where, "--json"))
    texted = run("tickets", "open", *where, "--notify-by", "sms")

    assert (patrol["channel"], patrol["first_responder_id"], patrol["notify_by"]) == ("patrol", "S0010", "none")
    assert (anonymous["channel"], anonymous["contact_phone"], anonymous["notify_by"]) == ("web", "", "none")
    assert texted.exit_code == 1 and "SMS was chosen, so give a phone number" in texted.stderr


def test_a_phone_is_checked_as_the_forms_and_apis_check_it(run: Run) -> None:
    where = ("--category", "sanitation", "--description", "楼道堆放杂物", "--location", "B01010103", "--now", MONDAY)

    short = run("tickets", "open", *where, "--phone", "12345", "--notify-by", "sms")
    landline_texted = run("tickets", "open", *where, "--phone", "010-12345678", "--notify-by", "sms")
    landline = _json(run("tickets", "open", *where, "--phone", "0571 8888 8888", "--json"))
    mobile = _json(run("tickets", "open", *where, "--phone", "+86 139 1234 5678", "--json"))

    assert short.exit_code == 1 and "'12345' is not a phone number: a mainland mobile (11 digits" in short.stderr
    assert landline_texted.exit_code == 1 and "a landline can only be called back" in landline_texted.stderr
    assert (landline["contact_phone"], landline["notify_by"]) == ("0571-88888888", "none")
    assert (mobile["contact_phone"], mobile["notify_by"]) == ("13912345678", "sms")


def test_errors_go_to_stderr_with_exit_code_1(run: Run) -> None:
    missing = run("tickets", "show", "000000-000000")
    assert missing.exit_code == 1 and "no ticket" in missing.stderr and missing.stdout == ""
    transfer = run("tickets", "act", "1", "transfer", "--as", "S0013")
    assert transfer.exit_code == 1 and "target post and a reason" in transfer.stderr
    close = run("tickets", "act", "1", "close", "--as", "S0013")
    assert close.exit_code == 1 and "callback" in close.stderr


def test_sweep_runs_once_per_deadline(run: Run) -> None:
    opened = _open(run)
    first = run("sweep", "--now", "2026-11-24T17:00")
    assert first.exit_code == 0 and opened["number"] in first.stdout
    second = run("sweep", "--now", "2026-11-24T17:00")
    assert "fired 0 deadline(s)" in second.stdout


def test_staff_absence_hands_over(run: Run) -> None:
    opened = _open(run)
    holder = opened["holder_id"]
    result = run(
        "staff",
        "absent",
        holder,
        "--from",
        "2026-11-23T10:00",
        "--to",
        "2026-11-25T18:00",
        "--reason",
        "出差",
        "--now",
        "2026-11-23T10:00",
    )
    assert result.exit_code == 0 and "出差" in result.stdout
    now = _json(run("tickets", "show", opened["number"], "--json"))
    assert now["holder_id"] != holder and now["history"][-1]["action"] == "handover"


def test_staff_ids_are_read_in_any_case_and_the_moved_tickets_counted(run: Run) -> None:
    opened = _open(run)
    holder = opened["holder_id"]
    result = run(
        *("staff", "absent", holder.lower(), "--from", "2026-11-23T10:00", "--to", "2026-11-25T18:00"),
        *("--reason", "出差", "--now", "2026-11-23T10:00"),
    )
    assert result.exit_code == 0, result.output
    assert f": {holder} away" in result.stdout
    assert "2 tickets passed to the other holders" in result.stdout  # this one and the demo's other one
    noted = run("tickets", "act", opened["number"], "note", "--as", holder.lower(), "--text", "已联系", "--now", MONDAY)
    assert noted.exit_code == 0, noted.output
    post = run("org", "holders", "B01010101.building_leader", "--a", "s0015", "--b", "s0014", "--now", MONDAY)
    assert post.exit_code == 0 and post.stdout.startswith("B01010101.building_leader: S0015 / S0014;"), post.output


def test_an_extension_is_typed_in_chinese_at_the_command_line(run: Run) -> None:
    opened = _open(run)
    supervisor = "s0004"
    result = run(
        *("tickets", "act", opened["number"], "extend", "--as", supervisor, "--by", "1天2小时"),
        *("--reason", "需协调物业", "--now", "2026-11-23T10:00"),
    )
    assert result.exit_code == 0, result.output
    bad = run("tickets", "act", opened["number"], "extend", "--as", supervisor, "--by", "两天", "--reason", "x")
    assert bad.exit_code != 0 and "is not a working time: write e.g. 2d, 3h or 30m" in bad.output


def test_workflows_check_and_show(run: Run, tmp_path: Path) -> None:
    assert run("workflows", "check").exit_code == 0
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\n', encoding="utf-8")
    result = run("workflows", "check", str(broken))
    assert result.exit_code == 1 and "broken.toml" in result.stderr
    diagram = run("workflows", "show", "general")
    assert diagram.stdout.startswith("stateDiagram-v2") and "in_progress" in diagram.stdout
    assert run("workflows", "show", "nope").exit_code == 1


def test_staff_accounts_from_the_command_line(run: Run, engine: Engine) -> None:
    created = run("staff", "add", "S0014", "--password", "long enough")
    assert created.exit_code == 0 and "account created for S0014" in created.stdout
    assert authenticate(engine, "S0014", "long enough") is not None
    changed = run("staff", "passwd", "S0014", "--password", "another one")
    assert "password changed" in changed.stdout and authenticate(engine, "S0014", "long enough") is None
    short = run("staff", "add", "S0015", "--password", "short")
    assert short.exit_code == 1 and "at least 8 characters" in short.stderr
    repeated = run("staff", "add", "S0015", "--password", "aaaaaaaa")
    assert repeated.exit_code == 1 and "must not be one character repeated" in repeated.stderr
    common = run("staff", "passwd", "S0014", "--password", "qwertyui")
    assert common.exit_code == 1 and "one of the most common" in common.stderr
    assert authenticate(engine, "S0014", "another one") is not None
    unknown = run("staff", "add", "S9999", "--password", "long enough")
    assert unknown.exit_code == 1 and "unknown staff member" in unknown.stderr


def test_api_keys_are_shown_once_stored_hashed_and_revocable(run: Run, engine: Engine) -> None:
    key = run("apikey", "create", "12345热线").stdout.strip()
    assert len(key) >= 40 and api_key_owner(engine, key) == "12345热线"
    with engine.connect() as conn:
        assert key not in {row.key_hash for row in conn.execute(select(api_keys))}
    again = run("apikey", "create", "12345热线")
    assert again.exit_code == 1 and "exists already" in again.stderr
    assert "active" in run("apikey", "list").stdout
    assert run("apikey", "revoke", "12345热线").exit_code == 0
    assert api_key_owner(engine, key) is None
    assert run("apikey", "revoke", "12345热线").exit_code == 1


def test_staff_tokens_are_issued_listed_and_revoked(run: Run, engine: Engine) -> None:
    issued = run("staff", "token", "S0013").stdout
    token_id, secret = issued.split()[1], issued.split()[-1]
    assert token_owner(engine, secret) == "S0013"
    assert f"{token_id}  created" in run("staff", "token", "S0013", "--list").stdout
    assert run("staff", "token", "S0013", "--revoke", token_id).exit_code == 0
    assert token_owner(engine, secret) is None
    assert "revoked" in run("staff", "token", "S0013", "--list").stdout
    unknown = run("staff", "token", "S9999")
    assert unknown.exit_code == 1 and "unknown staff member" in unknown.stderr


# --- trusted callbacks and 诉求终结 -----------------------------------------------------------------------


def _handled(run: Run, *extra: str) -> tuple[str, str]:
    """A ticket opened Monday morning, acknowledged and resolved by its holder (its first responder)."""
    opened = _open(run, *extra)
    number, holder = opened["number"], opened["holder_id"]
    _json(run("tickets", "act", number, "acknowledge", "--as", holder, "--now", MONDAY, "--json"))
    resolved = run("tickets", "act", number, "resolve", "--as", holder, "--resolution", "已清运", "--now", MONDAY)
    assert resolved.exit_code == 0, resolved.output
    return number, holder


def _callback(run: Run, number: str, actor: str, at: str, *options: str) -> Result:
    return run("tickets", "act", number, "callback", "--as", actor, "--now", at, *options)


def test_a_callback_by_phone_or_visit_records_solved_apart(run: Run) -> None:
    phoned, holder = _handled(run)
    visited, _ = _handled(run)

    missing = _callback(run, phoned, holder, "2026-11-23T15:00", "--satisfaction", "satisfied")
    assert missing.exit_code == 1 and "record whether the problem is solved" in missing.stderr
    unsolved = _json(
        _callback(run, phoned, holder, "2026-11-23T15:00", "--unsolved", "--satisfaction", "unsatisfied", "--json")
    )
    visit = ("--means", "visit", "--solved", "--satisfaction", "satisfied", "--json")
    closed = _json(_callback(run, visited, holder, "2026-11-23T15:00", *visit))

    assert unsolved["state"] == "in_progress" and unsolved["ticket"]["solved"] is False
    assert closed["state"] == "closed"
    assert (closed["ticket"]["callback_means"], closed["ticket"]["solved"]) == ("visit", True)


def test_a_ticket_with_nobody_to_reach_is_closed_on_a_checked_result(run: Run, engine: Engine) -> None:
    number, holder = _handled(run)
    with engine.begin() as conn:  # a patrol report: no phone, e-mail or name (intake will accept no phone)
        conn.execute(update(tickets).where(tickets.c.number == number).values(contact_phone="", contact_name=""))

    phoned = _callback(run, number, holder, "2026-11-23T15:00", "--solved", "--satisfaction", "satisfied")
    assert phoned.exit_code == 1 and "callback: phone is not possible" in phoned.stderr
    checked = _json(_callback(run, number, holder, "2026-11-23T15:00", "--means", "none", "--solved", "--json"))

    assert checked["state"] == "closed"
    assert (checked["ticket"]["callback_means"], checked["ticket"]["satisfaction"]) == ("none", None)


def test_an_unreached_attempt_too_soon_is_refused_with_the_next_allowed_time(run: Run) -> None:
    number, holder = _handled(run)
    assert _callback(run, number, holder, "2026-11-23T14:00", "--unreached").exit_code == 0

    refused = _callback(run, number, holder, "2026-11-23T14:30", "--unreached")

    assert refused.exit_code == 1 and "the next attempt may be made from 2026-11-23 16:00" in refused.stderr
    shown = _json(run("tickets", "show", number, "--json"))
    assert shown["callback_attempts"] == 1 and shown["next_attempt_at"] == "2026-11-23T16:00:00+08:00"


def test_a_second_unsatisfied_verdict_sends_the_ticket_up_a_tier(run: Run) -> None:
    number, holder = _handled(run)
    unhappy = ("--unsolved", "--satisfaction", "unsatisfied", "--json")
    assert _json(_callback(run, number, holder, "2026-11-23T15:00", *unhappy))["state"] == "in_progress"
    resolved = run("tickets", "act", number, "resolve", "--as", holder, "--resolution", "再次清运", "--now", MONDAY)
    assert resolved.exit_code == 0, resolved.output

    sent_up = _json(_callback(run, number, holder, "2026-11-23T16:00", *unhappy))

    assert sent_up["state"] == "new"
    ticket = sent_up["ticket"]
    assert (ticket["tier"], ticket["post"]["kind"], ticket["first_responder"]["id"]) == (1, "grid_leader", holder)


def test_termination_proposed_listed_then_approved_or_rejected(run: Run) -> None:
    numbers = []
    for _ in range(2):
        opened = _open(run)
        number, holder = opened["number"], opened["holder_id"]
        run("tickets", "act", number, "acknowledge", "--as", holder, "--now", MONDAY)
        proposed = run("tickets", "act", number, "propose_termination", "--as", holder, "--reason", "政策不允许")
        assert proposed.exit_code == 0, proposed.output
        numbers.append(number)
    listed = run("tickets", "terminations")
    assert all(number in listed.stdout for number in numbers) and "2 proposal(s)" in listed.stdout
    assert "政策不允许" in listed.stdout
    refused = run("tickets", "act", numbers[0], "approve_termination", "--as", holder)
    assert refused.exit_code == 1 and "approved or rejected by supervisors" in refused.stderr

    approved = _json(run("tickets", "act", numbers[0], "approve_termination", "--as", "S0004", "--json"))
    rejected = _json(
        run("tickets", "act", numbers[1], "reject_termination", "--as", "S0004", "--reason", "可协调", "--json")
    )

    assert approved["state"] == "terminated" and rejected["state"] == "in_progress"
    assert json.loads(run("tickets", "terminations", "--json").stdout) == []


def test_the_post_partner_may_not_send_a_resident_away(run: Run) -> None:
    opened = _open(run, "--as", "S0013")
    assert opened["first_responder_id"] == "S0013" and opened["state"] == "new"

    refused = run("tickets", "act", opened["number"], "return_to_resident", "--as", "S0014", "--reason", "重复件")

    assert refused.exit_code == 1 and "only the first responder S0013" in refused.stderr
    sent_away = run("tickets", "act", opened["number"], "return_to_resident", "--as", "S0013", "--reason", "重复件")
    assert sent_away.exit_code == 0, sent_away.output


def test_rates_rebuild_puts_back_counts_lost_outside_the_application(run: Run, engine: Engine) -> None:
    """A roll-up emptied behind the application's back (rows restored from elsewhere) is whole again after it."""
    with engine.begin() as conn:
        fold(conn)
        kept = sorted(tuple(row) for row in conn.execute(select(daily_counts)))
    assert kept, "the demo's tickets are counted"
    with engine.begin() as conn:
        conn.execute(daily_counts.delete())
    result = run("rates", "rebuild")
    assert result.exit_code == 0 and f"{len(kept)} day-and-grid row(s)" in result.output
    with engine.connect() as conn:
        assert sorted(tuple(row) for row in conn.execute(select(daily_counts))) == kept
