"""Workflow files and the lifecycle they share: the shipped ones load, and every mistake names its file and key."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract

from ticketing.domain.errors import InvalidInput, WorkflowFileError
from ticketing.domain.org import PostKind, UnitKind
from ticketing.domain.workflow import (
    Action,
    CallbackPlan,
    Clock,
    Duration,
    Label,
    Supervision,
    open_states,
)
from ticketing.workflow.files import SHIPPED_LIFECYCLE, Catalogue, load_workflow, load_workflows

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
SHIPPED = sorted(path for path in WORKFLOWS.glob("*.toml") if path.name != "lifecycle.toml")

MINI = """\
name = "mini"
title = "Mini"
locations = ["building"]

[categories]
repair = { label = "Repair" }

[[chain]]
post = "building_leader"
acknowledge = "2h"
resolve = "3d"
callback = "1d"
"""

CHAIN = """\
[[chain]]
post = "building_leader"
acknowledge = "2h"
resolve = "3d"
callback = "1d"
"""

LIFECYCLE = """\
initial = "new"

[states]
new = { label = "New", clock = "acknowledge" }
doing = { label = "Doing", clock = "resolve" }
waiting = { label = "Waiting", pauses = true }
done = { label = "Done", final = true }

[[transitions]]
trigger = "acknowledge"
source = ["new"]
dest = "doing"

[[transitions]]
trigger = "pause"
source = ["doing"]
dest = "waiting"

[[transitions]]
trigger = "resume"
source = ["waiting"]
dest = "doing"

[[transitions]]
trigger = "callback"
source = ["doing"]
dest = "done"
guards = ["satisfied"]

[[transitions]]
trigger = "escalate"
source = ["new", "doing"]
dest = "new"
"""


def write(folder: Path, text: str, name: str = "mini.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(WorkflowFileError) as raised:
        load_workflow(path)
    return raised.value.problems


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_workflows([WORKFLOWS])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_workflow_loads(path: Path) -> None:
    spec = load_workflow(path)
    assert spec.name == path.stem
    assert spec.source == str(path) and spec.lifecycle_source == str(WORKFLOWS / "lifecycle.toml")
    assert spec.chain and spec.categories and spec.location_kinds


def test_shipped_catalogue(catalogue: Catalogue) -> None:
    assert list(catalogue.workflows) == ["dispute", "general", "outside"]
    assert set(catalogue.machines) == set(catalogue.workflows)
    assert [t.post_kind for t in catalogue.workflows["dispute"].chain] == [
        "grid_leader",
        "community_police",
        "community_party",
    ]


def test_open_states_are_every_state_a_ticket_can_still_leave(catalogue: Catalogue) -> None:
    states = open_states(catalogue.workflows.values())

    assert "new" in states and "resolved" in states and states == sorted(states)
    assert not {"closed", "closed_unreachable", "returned"} & set(states)


def test_the_shipped_workflows_share_one_lifecycle_and_each_has_its_own_machine(catalogue: Catalogue) -> None:
    general = catalogue.workflows["general"]
    for name, spec in catalogue.workflows.items():
        assert (spec.initial, spec.states, spec.transitions) == (general.initial, general.states, general.transitions)
        assert catalogue.machines[name].spec is spec
    assert len({id(machine) for machine in catalogue.machines.values()}) == len(catalogue.workflows)
    for path in SHIPPED:  # declared once, in lifecycle.toml
        text = path.read_text(encoding="utf-8")
        assert "[states]" not in text and "[[transitions]]" not in text and "\ninitial" not in text


def test_a_workflow_without_a_lifecycle_beside_it_gets_the_shipped_one(tmp_path: Path) -> None:
    spec = load_workflow(write(tmp_path, MINI))
    assert spec.name == "mini" and spec.title == Label("Mini")
    assert spec.lifecycle_source == str(SHIPPED_LIFECYCLE)
    assert spec.initial == "new" and list(spec.states)[:2] == ["new", "in_progress"]
    assert spec.state("new").label == Label("Awaiting acknowledgement")
    assert spec.state("closed").final and spec.state("waiting_resident").pauses


def test_a_lifecycle_beside_the_workflow_files_is_theirs(tmp_path: Path) -> None:
    write(tmp_path, LIFECYCLE, "lifecycle.toml")
    spec = load_workflow(write(tmp_path, MINI))
    assert spec.lifecycle_source == str(tmp_path / "lifecycle.toml")
    assert spec.location_kinds == {UnitKind.BUILDING}
    assert spec.state("new").clock is Clock.ACKNOWLEDGE
    assert spec.state("waiting").pauses and spec.state("done").final
    assert spec.tier(0).resolve == Duration(days=3)
    assert spec.transitions[3].trigger is Action.CALLBACK
    assert spec.transitions[3].guards == ("satisfied",)


BROKEN = {
    "syntax": (('name = "mini"', 'name = "mini'), "mini.toml: line 1, name: TOML syntax error"),
    "missing key": (('locations = ["building"]\n', ""), "mini.toml: locations: missing top-level key"),
    "extra key": (('title = "Mini"\n', 'title = "Mini"\ncolour = "red"\n'), "colour: unknown top-level key"),
    "extra nested key": (('label = "Repair" }', 'label = "Repair", icon = "x" }'), "categories.repair.icon: unknown"),
    "lifecycle key": (
        ('title = "Mini"\n', 'title = "Mini"\ninitial = "new"\n'),
        "mini.toml: initial: the lifecycle is shared: initial belongs in",
    ),
    "unknown post": (
        ('post = "building_leader"', 'post = "mayor"'),
        "mini.toml: chain[0].post: unknown post kind 'mayor' (allowed: building_leader, shop_leader",
    ),
    "post twice": ((CHAIN, CHAIN + "\n" + CHAIN), "mini.toml: chain[1].post: 'building_leader' is already a tier"),
    "no chain": ((CHAIN, ""), "mini.toml: chain: missing top-level key"),
    "missing deadline": (('callback = "1d"\n', ""), "mini.toml: chain[0].callback: missing key"),
    "bad duration": (
        ('resolve = "3d"', 'resolve = "3 weeks"'),
        "mini.toml: chain[0].resolve: '3 weeks' is not a working time",
    ),
    "zero duration": (
        ('acknowledge = "2h"', 'acknowledge = "0h"'),
        "mini.toml: chain[0].acknowledge: '0h': each amount of a working time is a whole number from 1",
    ),
    "number duration": (('resolve = "3d"', "resolve = 3"), "mini.toml: chain[0].resolve: 3 must be a string"),
    "unknown location": (
        ('locations = ["building"]', 'locations = ["building", "moon"]'),
        "mini.toml: locations[1]: unknown location kind 'moon' (allowed: district, street, community",
    ),
    "no locations": (('locations = ["building"]', "locations = []"), "mini.toml: locations: empty"),
    "duplicate category": (
        ('repair = { label = "Repair" }', 'repair = { label = "Repair" }\nrepair = { label = "Fix" }'),
        "mini.toml: line 7, categories.repair: TOML syntax error",
    ),
    "bad code": (("repair = { label", "Repair-Work = { label"), "mini.toml: categories.Repair-Work: "),
    "missing label": (('label = "Repair" }', "public = true }"), "mini.toml: categories.repair.label: missing key"),
    "old label shape": (
        ('{ label = "Repair" }', '{ zh = "维修", en = "Repair" }'),
        "mini.toml: categories.repair.en: unknown key (allowed: label, zh, public)",
    ),
    "chinese the catalogues know": (
        ('{ label = "Repair" }', '{ label = "Phone", zh = "电话" }'),
        "mini.toml: categories.repair.zh: the catalogues already translate 'Phone' as '电话': drop the Chinese",
    ),
    "reminder share": (
        ('locations = ["building"]\n', 'locations = ["building"]\nreminders = [50, 100]\n'),
        "mini.toml: reminders[1]: 100 must be a whole percentage between 1 and 99",
    ),
    "reminders out of order": (
        ('locations = ["building"]\n', 'locations = ["building"]\nreminders = [80, 50]\n'),
        "mini.toml: reminders[1]: 50 must be larger than the reminder before it (80)",
    ),
    "supervision days": (
        (CHAIN, CHAIN + "\n[supervision]\nurge_after = 0\nwarn_after = 2\n"),
        "mini.toml: supervision.urge_after: 0 must be a whole number of working days from 1 to 30",
    ),
    "supervision incomplete": (
        (CHAIN, CHAIN + '\n[supervision]\nurge_after = 1\nwarn = "2d"\n'),
        "mini.toml: supervision.warn_after: missing key",
    ),
    "callback by a post outside the community": (
        (CHAIN, CHAIN + '\n[callback]\nby = "building_leader"\n'),
        "mini.toml: callback.by: 'building_leader' is not a post of the community: the callback post is one",
    ),
    "callback by an unknown caller": (
        (CHAIN, CHAIN + '\n[callback]\nby = "mayor"\n'),
        "mini.toml: callback.by: unknown caller (first_responder or a post kind) 'mayor'",
    ),
    "callback unknown key": (
        (CHAIN, CHAIN + "\n[callback]\ntries = 3\n"),
        "mini.toml: callback.tries: unknown key (allowed: by, spacing, attempts)",
    ),
    "callback spacing": (
        (CHAIN, CHAIN + '\n[callback]\nspacing = "2 weeks"\n'),
        "mini.toml: callback.spacing: '2 weeks'",
    ),
    "no callback attempts": (
        (CHAIN, CHAIN + "\n[callback]\nattempts = 0\n"),
        "mini.toml: callback.attempts: 0 must be a whole number of attempts from 1 to 10",
    ),
    "too many callback attempts": (
        (CHAIN, CHAIN + "\n[callback]\nattempts = 11\n"),
        "mini.toml: callback.attempts: 11 must be a whole number of attempts from 1 to 10",
    ),
    "callback attempts as text": (
        (CHAIN, CHAIN + '\n[callback]\nattempts = "3"\n'),
        "mini.toml: callback.attempts: '3' must be a whole number of attempts from 1 to 10",
    ),
    "override of an unknown state": (
        (CHAIN, CHAIN + "\n[lifecycle.states.closd]\nfinal = true\n"),
        "mini.toml: lifecycle.states.closd: unknown state 'closd': [lifecycle.states] changes the states of",
    ),
    "override to an unknown state": (
        (CHAIN, CHAIN + '\n[[lifecycle.transitions]]\ntrigger = "resolve"\nsource = ["in_progress"]\ndest = "done"\n'),
        "mini.toml: lifecycle.transitions[0].dest: unknown state 'done' (states: new, in_progress,",
    ),
    "override of the initial state": (
        (CHAIN, CHAIN + '\n[lifecycle]\ninitial = "in_progress"\n'),
        "mini.toml: lifecycle.initial: unknown key (allowed: states, transitions)",
    ),
    "override that breaks the lifecycle": (
        (CHAIN, CHAIN + '\n[[lifecycle.transitions]]\ntrigger = "escalate"\nsource = ["new"]\ndest = "new"\n'),
        "mini.toml: lifecycle: with this file's changes, state 'in_progress': runs the resolve clock but no 'escalate'",
    ),
    "override with a bad clock": (
        (CHAIN, CHAIN + '\n[lifecycle.states.referred]\nclock = "fix"\n'),
        "mini.toml: lifecycle.states.referred.clock: unknown clock 'fix'",
    ),
}


@pytest.mark.parametrize(("change", "expected"), BROKEN.values(), ids=BROKEN.keys())
def test_each_problem_names_file_and_key(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = write(tmp_path, edit(MINI, *change))
    problems = problems_of(path)
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith(f"{path}: ") for problem in problems)


BROKEN_LIFECYCLE = {
    "syntax": (('initial = "new"', 'initial = "new'), "lifecycle.toml: line 1, initial: TOML syntax error"),
    "missing key": (('initial = "new"\n', ""), "lifecycle.toml: initial: missing top-level key"),
    "workflow key": (
        ('initial = "new"\n', 'initial = "new"\nname = "x"\n'),
        "lifecycle.toml: name: unknown top-level key (allowed: initial, states, transitions)",
    ),
    "unknown dest": (
        ('dest = "done"', 'dest = "dnoe"'),
        "lifecycle.toml: transitions[3].dest: unknown state 'dnoe' (states: new, doing, waiting, done)",
    ),
    "unknown source": (('source = ["waiting"]', 'source = ["wating"]'), "transitions[2].source[0]: unknown state"),
    "unknown initial": (('initial = "new"', 'initial = "nwe"'), "lifecycle.toml: initial: unknown state 'nwe'"),
    "from nowhere": (('source = ["new"]', "source = []"), "transitions[0].source: empty: a transition from nowhere"),
    "unreachable": (
        ("\n[[transitions]]", 'limbo = { label = "Limbo", final = true }\n\n[[transitions]]'),
        "lifecycle.toml: states.limbo: unreachable from the initial state 'new'",
    ),
    "dead end": (('source = ["waiting"]', 'source = ["doing"]'), "lifecycle.toml: states.waiting: dead end"),
    "no escalation": (
        ('source = ["new", "doing"]', 'source = ["new"]'),
        "lifecycle.toml: states.doing: runs the resolve clock but no 'escalate' transition leaves it",
    ),
    "no final": (('"Done", final = true', '"Done", clock = "resolve"'), "lifecycle.toml: states: no final state"),
    "unknown trigger": (
        ('trigger = "pause"', 'trigger = "snooze"'),
        "lifecycle.toml: transitions[1].trigger: unknown trigger 'snooze' (allowed: acknowledge, transfer",
    ),
    "unknown guard": (
        ('guards = ["satisfied"]', 'guards = ["happy"]'),
        "lifecycle.toml: transitions[3].guards[0]: unknown guard 'happy'",
    ),
    "unknown clock": (
        ('clock = "resolve" }', 'clock = "fix" }'),
        "lifecycle.toml: states.doing.clock: unknown clock 'fix'",
    ),
    "pauses and final": (
        ("pauses = true", "pauses = true, final = true"),
        "lifecycle.toml: states.waiting: a state cannot",
    ),
    "pauses with clock": (
        ("pauses = true", 'pauses = true, clock = "resolve"'),
        "lifecycle.toml: states.waiting.clock: a pausing state runs no clock",
    ),
    "flag not bool": (
        ("pauses = true", 'pauses = "yes"'),
        "lifecycle.toml: states.waiting.pauses: must be true or false",
    ),
    "missing label": (('{ label = "Done", ', "{ "), "lifecycle.toml: states.done.label: missing key"),
}


@pytest.mark.parametrize(("change", "expected"), BROKEN_LIFECYCLE.values(), ids=BROKEN_LIFECYCLE.keys())
def test_each_problem_of_the_shared_lifecycle_names_its_file_and_key(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    lifecycle = write(tmp_path, edit(LIFECYCLE, *change), "lifecycle.toml")
    problems = problems_of(write(tmp_path, MINI))
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith(f"{lifecycle}: ") for problem in problems)


def test_a_problem_of_the_shared_lifecycle_is_listed_once_for_all_its_workflows(tmp_path: Path) -> None:
    write(tmp_path, edit(LIFECYCLE, 'dest = "done"', 'dest = "dnoe"'), "lifecycle.toml")
    write(tmp_path, MINI, "a.toml")
    write(tmp_path, edit(edit(MINI, 'name = "mini"', 'name = "other"'), '["building"]', '["shop"]'), "b.toml")
    with pytest.raises(WorkflowFileError) as raised:
        load_workflows([tmp_path])
    assert [p for p in raised.value.problems if "dnoe" in p] == [
        f"{tmp_path / 'lifecycle.toml'}: transitions[3].dest: unknown state 'dnoe' (states: new, doing, waiting, done)"
    ]


def test_an_override_changes_a_shared_state_and_keeps_its_label(tmp_path: Path) -> None:
    text = MINI + (  # a referral followed up like the work itself, escalated when late
        '\n[lifecycle.states.referred]\nclock = "resolve"\n'
        '\n[[lifecycle.transitions]]\ntrigger = "escalate"\nsource = ["new", "in_progress", "referred"]\ndest = "new"\n'
    )
    spec = load_workflow(write(tmp_path, text))
    shared = load_workflow(write(tmp_path, MINI, "plain.toml"))
    assert spec.state("referred").clock is Clock.RESOLVE
    assert spec.state("referred").label == shared.state("referred").label == Label("Referred, awaiting callback")
    assert {name: state for name, state in spec.states.items() if name != "referred"} == {
        name: state for name, state in shared.states.items() if name != "referred"
    }
    assert shared.state("referred").clock is Clock.CALLBACK  # the shared lifecycle is untouched


def test_an_override_replaces_the_transitions_of_its_trigger_in_their_place(tmp_path: Path) -> None:
    text = MINI + (
        '\n[[lifecycle.transitions]]\ntrigger = "return_to_resident"\nsource = ["new", "in_progress"]\n'
        'dest = "returned"\nguards = ["actor_is_first_responder"]\n'
        '\n[[lifecycle.transitions]]\ntrigger = "resolve"\nsource = ["in_progress", "waiting_resident"]\n'
        'dest = "resolved"\n'
    )
    spec = load_workflow(write(tmp_path, text))
    shared = load_workflow(write(tmp_path, MINI, "plain.toml"))
    assert [t.trigger for t in spec.transitions] == [t.trigger for t in shared.transitions]
    resolving = [t for t in spec.transitions if t.trigger is Action.RESOLVE]
    assert [t.sources for t in resolving] == [("in_progress", "waiting_resident")]
    returning = [t for t in spec.transitions if t.trigger is Action.RETURN_TO_RESIDENT]
    assert [t.sources for t in returning] == [("new", "in_progress")]
    assert [t for t in spec.transitions if t.trigger is Action.CALLBACK] == [
        t for t in shared.transitions if t.trigger is Action.CALLBACK
    ]


def test_labels_are_msgids_and_a_district_names_its_own_in_chinese(tmp_path: Path) -> None:
    own = edit(MINI, 'repair = { label = "Repair" }', 'noise = { label = "Noise at night", zh = "夜间噪音" }')
    spec = load_workflow(write(tmp_path, edit(own, 'title = "Mini"', 'title = "Quiet nights"\ntitle_zh = "安静夜晚"')))
    assert spec.categories[0].label == Label("Noise at night", zh="夜间噪音")
    assert spec.title == Label("Quiet nights", zh="安静夜晚")


def test_a_label_without_a_chinese_name_is_noted_not_refused(tmp_path: Path) -> None:
    write(tmp_path, MINI)
    notes = [note for note in load_workflows([tmp_path]).notes if str(tmp_path) in note]
    assert notes == [
        f"{tmp_path / 'mini.toml'}: title: 'Mini' has no Chinese name: the catalogues do not translate it; "
        "give one with title_zh",
        f"{tmp_path / 'mini.toml'}: categories.repair.label: 'Repair' has no Chinese name: the catalogues do not "
        "translate it; give one with categories.repair.zh",
    ]
    named = edit(MINI, 'repair = { label = "Repair" }', 'repair = { label = "Repair", zh = "维修" }')
    write(tmp_path, edit(named, 'title = "Mini"', 'title = "Mini"\ntitle_zh = "小流程"'))
    assert not [note for note in load_workflows([tmp_path]).notes if str(tmp_path) in note]


def test_one_category_code_one_label_with_its_chinese(tmp_path: Path) -> None:
    write(tmp_path, edit(MINI, 'repair = { label = "Repair" }', 'repair = { label = "Repair", zh = "维修" }'), "a.toml")
    write(tmp_path, edit(edit(MINI, 'name = "mini"', 'name = "other"'), '["building"]', '["shop"]'), "b.toml")
    with pytest.raises(WorkflowFileError) as raised:
        load_workflows([tmp_path])
    assert raised.value.problems == [
        f"{tmp_path / 'b.toml'}: categories.repair: labelled 'Repair' here but 'Repair' (zh '维修') in "
        f"{tmp_path / 'a.toml'}; one code, one label"
    ]


def test_babel_extracts_every_label_of_the_shipped_workflows(catalogue: Catalogue) -> None:
    found = set()
    for path in WORKFLOWS.glob("*.toml"):
        with path.open("rb") as file:
            extracted = extract("ticketing.workflow.babel_labels:extract", file)
            found |= {message for _line, message, _comments, _context in extracted}
    shown = {spec.title.text for spec in catalogue.workflows.values()}
    shown |= {category.label.text for category in catalogue.categories()}
    shown |= {state.label.text for spec in catalogue.workflows.values() for state in spec.states.values()}
    assert found == shown


def test_reminders_and_supervision_are_optional_and_read_when_given(tmp_path: Path) -> None:
    assert load_workflow(write(tmp_path, MINI)).reminders == ()
    assert load_workflow(write(tmp_path, MINI)).supervision is None
    given = MINI.replace('locations = ["building"]\n', 'locations = ["building"]\nreminders = [25, 75]\n')
    spec = load_workflow(write(tmp_path, given + "\n[supervision]\nurge_after = 1\nwarn_after = 3\n"))
    assert spec.reminders == (25, 75)
    assert spec.supervision == Supervision(urge_after=1, warn_after=3)


def test_the_callback_plan_is_the_first_responder_three_attempts_two_hours_apart_unless_declared(
    tmp_path: Path,
) -> None:
    assert load_workflow(write(tmp_path, MINI)).callback == CallbackPlan(None, Duration.parse("2h"), 3)
    declared = MINI + '\n[callback]\nby = "intake"\nspacing = "4h"\nattempts = 5\n'
    assert load_workflow(write(tmp_path, declared)).callback == CallbackPlan(PostKind.INTAKE, Duration.parse("4h"), 5)


def test_empty_chain_array_is_refused(tmp_path: Path) -> None:
    text = edit(edit(MINI, CHAIN, ""), 'locations = ["building"]\n', 'locations = ["building"]\nchain = []\n')
    assert f"{tmp_path / 'mini.toml'}: chain: empty" in problems_of(write(tmp_path, text))[0]


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    write(tmp_path, edit(LIFECYCLE, 'dest = "done"', 'dest = "closd"'), "lifecycle.toml")
    problems = problems_of(write(tmp_path, edit(MINI, 'post = "building_leader"', 'post = "mayor"')))
    assert any("lifecycle.toml: transitions[3].dest" in p for p in problems)
    assert any("mini.toml: chain[0].post" in p for p in problems)


def test_dotted_guard_is_refused_and_never_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "evil_guard_module.py").write_text(f"open({str(marker)!r}, 'w').close()\ndef run(*a): return True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    write(
        tmp_path,
        edit(LIFECYCLE, 'guards = ["satisfied"]', 'guards = ["os.system", "evil_guard_module.run"]'),
        "lifecycle.toml",
    )
    problems = problems_of(write(tmp_path, MINI))
    assert any("guards[0]: unknown guard 'os.system'" in p and "never import paths" in p for p in problems)
    assert any("allowed guards: satisfied, unsatisfied, first_unsatisfied" in p for p in problems)
    assert not marker.exists()
    assert "evil_guard_module" not in sys.modules


def test_folder_without_workflows_and_missing_path(tmp_path: Path) -> None:
    write(tmp_path, LIFECYCLE, "lifecycle.toml")  # a lifecycle alone is no workflow
    with pytest.raises(WorkflowFileError) as raised:
        load_workflows([tmp_path, tmp_path / "nowhere.toml"])
    assert raised.value.problems == [
        f"{tmp_path}: no *.toml workflow files in this folder",
        f"{tmp_path / 'nowhere.toml'}: no such file or folder",
    ]


def test_no_files_given() -> None:
    with pytest.raises(WorkflowFileError, match="no workflow files given"):
        load_workflows([])


def test_duplicate_workflow_names_across_files(tmp_path: Path) -> None:
    write(tmp_path, MINI, "a.toml")
    write(tmp_path, edit(MINI, 'locations = ["building"]', 'locations = ["shop"]'), "b.toml")
    with pytest.raises(WorkflowFileError) as raised:
        load_workflows([tmp_path])
    assert raised.value.problems == [
        f"{tmp_path / 'b.toml'}: name: workflow 'mini' is already defined in {tmp_path / 'a.toml'}"
    ]


def test_category_and_location_served_twice(tmp_path: Path) -> None:
    write(tmp_path, MINI, "a.toml")
    write(tmp_path, edit(MINI, 'name = "mini"', 'name = "other"'), "b.toml")
    with pytest.raises(WorkflowFileError) as raised:
        load_workflows([tmp_path])
    (problem,) = raised.value.problems
    assert problem.startswith(f"{tmp_path / 'b.toml'}: categories.repair: at location kinds building already")
    assert "already served by workflow 'mini'" in problem


def test_one_category_code_one_label(tmp_path: Path) -> None:
    write(tmp_path, MINI, "a.toml")
    other = edit(edit(MINI, 'name = "mini"', 'name = "other"'), '["building"]', '["shop"]')
    write(tmp_path, edit(other, 'label = "Repair"', 'label = "Fix"'), "b.toml")
    with pytest.raises(WorkflowFileError) as raised:
        load_workflows([tmp_path])
    assert raised.value.problems[0].startswith(f"{tmp_path / 'b.toml'}: categories.repair: labelled 'Fix' here")


@pytest.mark.parametrize(
    ("category", "kind", "workflow"),
    [
        ("property_repair", UnitKind.BUILDING, "general"),
        ("property_repair", UnitKind.COMMUNITY, "general"),
        ("property_repair", UnitKind.SHOP, "outside"),
        ("property_repair", UnitKind.SEGMENT, "outside"),
        ("neighbour_dispute", UnitKind.SEGMENT, "dispute"),
        ("property_repair", None, "general"),  # unmatched address: the community-serving one
        ("shop_complaint", None, "outside"),  # no community-serving one: the first serving it
        ("shop_complaint", UnitKind.BUILDING, "outside"),  # not served at that kind: same rule
        ("elderly_services", UnitKind.SHOP, "general"),
    ],
)
def test_for_category(catalogue: Catalogue, category: str, kind: UnitKind | None, workflow: str) -> None:
    assert catalogue.for_category(category, kind).name == workflow


def test_unknown_category_lists_known_codes(catalogue: Catalogue) -> None:
    with pytest.raises(InvalidInput, match=r"unknown category 'potholes' \(known: neighbour_dispute, .*sanitation"):
        catalogue.for_category("potholes", UnitKind.BUILDING)
    with pytest.raises(InvalidInput, match="unknown category 'potholes'"):
        catalogue.category("potholes")


def test_categories_unique_in_load_order(catalogue: Catalogue) -> None:
    codes = [c.code for c in catalogue.categories()]
    assert len(codes) == len(set(codes))
    assert codes[:4] == ["neighbour_dispute", "property_dispute", "family_dispute", "property_repair"]
    assert catalogue.category("sanitation").label == Label("Sanitation")


def test_a_category_is_private_unless_marked_public(tmp_path: Path) -> None:
    assert not load_workflow(write(tmp_path, MINI)).categories[0].public
    marked = edit(MINI, 'label = "Repair" }', 'label = "Repair", public = true }')
    assert load_workflow(write(tmp_path, marked)).categories[0].public
    wrong = edit(MINI, 'label = "Repair" }', 'label = "Repair", public = "yes" }')
    assert f"{tmp_path / 'mini.toml'}: categories.repair.public: must be true or false" in problems_of(
        write(tmp_path, wrong)
    )


def test_a_dispute_workflow_may_not_mark_a_category_public(tmp_path: Path) -> None:
    police = CHAIN + CHAIN.replace("building_leader", "community_police")
    text = edit(edit(MINI, CHAIN, police), 'label = "Repair" }', 'label = "Repair", public = true }')
    [problem] = problems_of(write(tmp_path, text))
    assert problem.startswith(f"{tmp_path / 'mini.toml'}: categories.repair.public: a dispute workflow")
    assert "remove public = true" in problem


def test_the_shipped_dispute_categories_are_private(catalogue: Catalogue) -> None:
    assert not any(category.public for category in catalogue.workflows["dispute"].categories)
    assert {c.code for c in catalogue.categories() if c.public} == {"sanitation", "public_facilities", "street_order"}


def test_one_category_code_public_everywhere_or_nowhere(tmp_path: Path) -> None:
    write(tmp_path, edit(MINI, 'label = "Repair" }', 'label = "Repair", public = true }'), "a.toml")
    write(tmp_path, edit(edit(MINI, 'name = "mini"', 'name = "other"'), '["building"]', '["shop"]'), "b.toml")
    with pytest.raises(WorkflowFileError) as raised:
        load_workflows([tmp_path])
    assert raised.value.problems == [
        f"{tmp_path / 'b.toml'}: categories.repair.public: false here but true in {tmp_path / 'a.toml'}; "
        "a category is public in every workflow or in none"
    ]
