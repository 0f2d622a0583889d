"""Workflow files: the shipped ones load, and every mistake is reported with its file and key."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ticketing.domain.errors import InvalidInput, WorkflowFileError
from ticketing.domain.org import UnitKind
from ticketing.domain.workflow import Action, Clock, DurationUnit, Supervision
from ticketing.workflows import Catalogue, load_workflow, load_workflows

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
SHIPPED = sorted(WORKFLOWS.glob("*.toml"))

MINI = """\
name = "mini"
title = { zh = "小流程", en = "Mini" }
locations = ["building"]
initial = "new"

[categories]
repair = { zh = "维修", en = "Repair" }

[states]
new = { zh = "待签收", en = "New", clock = "acknowledge" }
doing = { zh = "办理中", en = "Doing", clock = "resolve" }
waiting = { zh = "等待居民", en = "Waiting", pauses = true }
done = { zh = "已办结", en = "Done", final = true }

[[chain]]
post = "building_leader"
acknowledge = "2h"
resolve = "3d"
callback = "1d"

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

CHAIN = """\
[[chain]]
post = "building_leader"
acknowledge = "2h"
resolve = "3d"
callback = "1d"
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


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_workflow_loads(path: Path) -> None:
    spec = load_workflow(path)
    assert spec.name == path.stem
    assert spec.source == str(path)
    assert spec.chain and spec.categories and spec.location_kinds


def test_shipped_catalogue() -> None:
    catalogue = load_workflows([WORKFLOWS])
    assert list(catalogue.workflows) == ["dispute", "general", "outside"]
    assert set(catalogue.machines) == set(catalogue.workflows)
    assert [t.post_kind for t in catalogue.workflows["dispute"].chain] == [
        "grid_leader",
        "community_police",
        "community_party",
    ]


def test_minimal_file_builds_the_spec(tmp_path: Path) -> None:
    spec = load_workflow(write(tmp_path, MINI))
    assert spec.name == "mini" and spec.title_zh == "小流程"
    assert spec.location_kinds == {UnitKind.BUILDING}
    assert spec.state("new").clock is Clock.ACKNOWLEDGE
    assert spec.state("waiting").pauses and spec.state("done").final
    assert spec.tier(0).resolve.unit is DurationUnit.DAYS
    assert spec.transitions[3].trigger is Action.CALLBACK
    assert spec.transitions[3].guards == ("satisfied",)


BROKEN = {
    "syntax": (('name = "mini"', 'name = "mini'), "mini.toml: line 1, name: TOML syntax error"),
    "missing key": (('initial = "new"\n', ""), "mini.toml: initial: missing top-level key"),
    "extra key": (('initial = "new"\n', 'initial = "new"\ncolour = "red"\n'), "colour: unknown top-level key"),
    "extra nested key": (('en = "Repair" }', 'en = "Repair", icon = "x" }'), "categories.repair.icon: unknown key"),
    "unknown dest": (
        ('dest = "done"', 'dest = "dnoe"'),
        "mini.toml: transitions[3].dest: unknown state 'dnoe' (states: new, doing, waiting, done)",
    ),
    "unknown source": (('source = ["waiting"]', 'source = ["wating"]'), "transitions[2].source[0]: unknown state"),
    "unknown initial": (('initial = "new"', 'initial = "nwe"'), "mini.toml: initial: unknown state 'nwe'"),
    "from nowhere": (('source = ["new"]', "source = []"), "transitions[0].source: empty: a transition from nowhere"),
    "unreachable": (
        ("[[chain]]", 'limbo = { zh = "悬置", en = "Limbo", final = true }\n\n[[chain]]'),
        "mini.toml: states.limbo: unreachable from the initial state 'new'",
    ),
    "dead end": (('source = ["waiting"]', 'source = ["doing"]'), "mini.toml: states.waiting: dead end"),
    "no escalation": (
        ('source = ["new", "doing"]', 'source = ["new"]'),
        "mini.toml: states.doing: runs the resolve clock but no 'escalate' transition leaves it",
    ),
    "no final": (('en = "Done", final = true', 'en = "Done", clock = "resolve"'), "mini.toml: states: no final state"),
    "unknown trigger": (
        ('trigger = "pause"', 'trigger = "snooze"'),
        "mini.toml: transitions[1].trigger: unknown trigger 'snooze' (allowed: acknowledge, transfer",
    ),
    "unknown guard": (
        ('guards = ["satisfied"]', 'guards = ["happy"]'),
        "mini.toml: transitions[3].guards[0]: unknown guard 'happy'",
    ),
    "unknown post": (
        ('post = "building_leader"', 'post = "mayor"'),
        "mini.toml: chain[0].post: unknown post kind 'mayor' (allowed: building_leader, shop_leader",
    ),
    "post twice": ((CHAIN, CHAIN + "\n" + CHAIN), "mini.toml: chain[1].post: 'building_leader' is already a tier"),
    "no chain": ((CHAIN, ""), "mini.toml: chain: missing top-level key"),
    "missing deadline": (('callback = "1d"\n', ""), "mini.toml: chain[0].callback: missing key"),
    "bad duration": (
        ('resolve = "3d"', 'resolve = "3 days"'),
        "mini.toml: chain[0].resolve: '3 days' is not a duration",
    ),
    "zero duration": (
        ('acknowledge = "2h"', 'acknowledge = "0h"'),
        "mini.toml: chain[0].acknowledge: '0h' must be longer",
    ),
    "number duration": (('resolve = "3d"', "resolve = 3"), "mini.toml: chain[0].resolve: 3 must be a string"),
    "unknown clock": (('clock = "resolve" }', 'clock = "fix" }'), "mini.toml: states.doing.clock: unknown clock 'fix'"),
    "pauses and final": (("pauses = true", "pauses = true, final = true"), "mini.toml: states.waiting: a state cannot"),
    "pauses with clock": (
        ("pauses = true", 'pauses = true, clock = "resolve"'),
        "mini.toml: states.waiting.clock: a pausing state runs no clock",
    ),
    "flag not bool": (("pauses = true", 'pauses = "yes"'), "mini.toml: states.waiting.pauses: must be true or false"),
    "unknown location": (
        ('locations = ["building"]', 'locations = ["building", "moon"]'),
        "mini.toml: locations[1]: unknown location kind 'moon' (allowed: district, street, community",
    ),
    "no locations": (('locations = ["building"]', "locations = []"), "mini.toml: locations: empty"),
    "duplicate category": (
        (
            'repair = { zh = "维修", en = "Repair" }',
            'repair = { zh = "维修", en = "Repair" }\nrepair = { zh = "修", en = "Fix" }',
        ),
        "mini.toml: line 8, categories.repair: TOML syntax error",
    ),
    "bad code": (('repair = { zh = "维修"', 'Repair-Work = { zh = "维修"'), "mini.toml: categories.Repair-Work: "),
    "missing label": (('zh = "维修", en = "Repair"', 'zh = "维修"'), "mini.toml: categories.repair.en: missing key"),
    "reminder share": (
        ('initial = "new"\n', 'initial = "new"\nreminders = [50, 100]\n'),
        "mini.toml: reminders[1]: 100 must be a whole percentage between 1 and 99",
    ),
    "reminders out of order": (
        ('initial = "new"\n', 'initial = "new"\nreminders = [80, 50]\n'),
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
}


@pytest.mark.parametrize(("change", "expected"), BROKEN.values(), ids=BROKEN.keys())
def test_each_problem_names_file_and_key(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = write(tmp_path, edit(MINI, *change))
    problems = problems_of(path)
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith(f"{path}: ") for problem in problems)


def test_reminders_and_supervision_are_optional_and_read_when_given(tmp_path: Path) -> None:
    assert load_workflow(write(tmp_path, MINI)).reminders == ()
    assert load_workflow(write(tmp_path, MINI)).supervision is None
    given = MINI.replace('initial = "new"\n', 'initial = "new"\nreminders = [25, 75]\n')
    spec = load_workflow(write(tmp_path, given + "\n[supervision]\nurge_after = 1\nwarn_after = 3\n"))
    assert spec.reminders == (25, 75)
    assert spec.supervision == Supervision(urge_after=1, warn_after=3)


def test_empty_chain_array_is_refused(tmp_path: Path) -> None:
    text = edit(edit(MINI, CHAIN, ""), 'initial = "new"\n', 'initial = "new"\nchain = []\n')
    assert f"{tmp_path / 'mini.toml'}: chain: empty" in problems_of(write(tmp_path, text))[0]


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = edit(edit(MINI, 'dest = "done"', 'dest = "closd"'), 'post = "building_leader"', 'post = "mayor"')
    problems = problems_of(write(tmp_path, text))
    assert any("transitions[3].dest" in p for p in problems)
    assert any("chain[0].post" in p for p in problems)


def test_dotted_guard_is_refused_and_never_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "evil_guard_module.py").write_text(f"open({str(marker)!r}, 'w').close()\ndef run(*a): return True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    text = edit(MINI, 'guards = ["satisfied"]', 'guards = ["os.system", "evil_guard_module.run"]')
    problems = problems_of(write(tmp_path, text))
    assert any("guards[0]: unknown guard 'os.system'" in p and "never import paths" in p for p in problems)
    assert any("allowed guards: satisfied, unsatisfied, unreached" in p for p in problems)
    assert not marker.exists()
    assert "evil_guard_module" not in sys.modules


def test_folder_without_workflows_and_missing_path(tmp_path: Path) -> None:
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


def test_one_category_code_one_name(tmp_path: Path) -> None:
    write(tmp_path, MINI, "a.toml")
    other = edit(edit(MINI, 'name = "mini"', 'name = "other"'), '["building"]', '["shop"]')
    write(tmp_path, edit(other, 'en = "Repair"', 'en = "Fix"'), "b.toml")
    with pytest.raises(WorkflowFileError) as raised:
        load_workflows([tmp_path])
    assert raised.value.problems[0].startswith(f"{tmp_path / 'b.toml'}: categories.repair: named")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_workflows([WORKFLOWS])


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
    assert catalogue.category("sanitation").name_zh == "环境卫生"


def test_a_category_is_private_unless_marked_public(tmp_path: Path) -> None:
    assert not load_workflow(write(tmp_path, MINI)).categories[0].public
    marked = edit(MINI, 'en = "Repair" }', 'en = "Repair", public = true }')
    assert load_workflow(write(tmp_path, marked)).categories[0].public
    wrong = edit(MINI, 'en = "Repair" }', 'en = "Repair", public = "yes" }')
    assert f"{tmp_path / 'mini.toml'}: categories.repair.public: must be true or false" in problems_of(
        write(tmp_path, wrong)
    )


def test_a_dispute_workflow_may_not_mark_a_category_public(tmp_path: Path) -> None:
    police = CHAIN + CHAIN.replace("building_leader", "community_police")
    text = edit(edit(MINI, CHAIN, police), 'en = "Repair" }', 'en = "Repair", public = true }')
    [problem] = problems_of(write(tmp_path, text))
    assert problem.startswith(f"{tmp_path / 'mini.toml'}: categories.repair.public: a dispute workflow")
    assert "remove public = true" in problem


def test_the_shipped_dispute_categories_are_private(catalogue: Catalogue) -> None:
    assert not any(category.public for category in catalogue.workflows["dispute"].categories)
    assert {c.code for c in catalogue.categories() if c.public} == {"sanitation", "public_facilities", "street_order"}


def test_one_category_code_public_everywhere_or_nowhere(tmp_path: Path) -> None:
    write(tmp_path, edit(MINI, 'en = "Repair" }', 'en = "Repair", public = true }'), "a.toml")
    write(tmp_path, edit(edit(MINI, 'name = "mini"', 'name = "other"'), '["building"]', '["shop"]'), "b.toml")
    with pytest.raises(WorkflowFileError) as raised:
        load_workflows([tmp_path])
    assert raised.value.problems == [
        f"{tmp_path / 'b.toml'}: categories.repair.public: false here but true in {tmp_path / 'a.toml'}; "
        "a category is public in every workflow or in none"
    ]
