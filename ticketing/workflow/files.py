"""Load and check the declarative workflow files (``workflows/*.toml``).

The format is described in ``docs/workflows.md``.  The ticket lifecycle (the
initial state, the states and the transitions) is declared once, in the
``lifecycle.toml`` beside the workflow files (else the shipped one); each
workflow file names what is its own and, under ``[lifecycle]``, any way it
departs from the shared lifecycle.  Every problem of every file is collected
before anything is raised, each prefixed with the file and the key
(``workflows/lifecycle.toml: transitions[3].dest: …``), so one run lists all
that must be fixed.  Guards are names looked up in ``GUARDS``: nothing a file
names is ever imported.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from ticketing.deploy.resources import WORKFLOWS
from ticketing.domain.disclosure import is_dispute
from ticketing.domain.errors import InvalidInput, WorkflowFileError
from ticketing.domain.guards import GUARDS
from ticketing.domain.org import POST_UNIT, PostKind, UnitKind
from ticketing.domain.workflow import (
    CALLBACK_ATTEMPTS,
    Action,
    CallbackPlan,
    Category,
    Clock,
    Duration,
    Label,
    State,
    Supervision,
    Tier,
    Transition,
    WorkflowSpec,
)
from ticketing.workflow.machine import WorkflowMachine
from ticketing.workflow.translation import CHINESE, is_translated, translate

LIFECYCLE_FILE = "lifecycle.toml"
SHIPPED_LIFECYCLE = WORKFLOWS / LIFECYCLE_FILE
"""The lifecycle of a workflow file whose folder has no ``lifecycle.toml`` of its own."""

TOP_KEYS = ("name", "title", "locations", "categories", "chain")
OPTIONAL_KEYS = ("title_zh", "reminders", "supervision", "callback", "lifecycle")
LIFECYCLE_KEYS = ("initial", "states", "transitions")
OVERRIDE_KEYS = ("states", "transitions")
STATE_KEYS = ("clock", "pauses", "final")
SUPERVISION_KEYS = ("urge_after", "warn_after")
CALLBACK_KEYS = ("by", "spacing", "attempts")
FIRST_RESPONDER = "first_responder"
DEADLINES = ("acknowledge", "resolve", "callback")
TIER_OPTIONAL_KEYS = ("max_extension",)
CODE = re.compile(r"[a-z][a-z0-9_]*")
E = TypeVar("E", bound=StrEnum)


def load_workflow(path: Path) -> WorkflowSpec:
    """Load one workflow file with its lifecycle, or raise WorkflowFileError listing all their problems."""
    lifecycles = _Lifecycles()
    spec, problems, _notes = _read_workflow(Path(path), lifecycles)
    problems = lifecycles.problems + problems
    if problems or spec is None:
        raise WorkflowFileError(problems)
    return spec


def load_workflows(paths: Iterable[Path]) -> Catalogue:
    """Load files and folders (their ``*.toml``, sorted) into one checked catalogue.

    A file named ``lifecycle.toml`` is a lifecycle, checked once, never a workflow.
    """
    problems: list[str] = []
    notes: list[str] = []
    specs: list[WorkflowSpec] = []
    lifecycles = _Lifecycles()
    files = _files(paths, problems)
    for file in files:
        if file.name == LIFECYCLE_FILE:
            lifecycles.get(file)
    workflow_files = [file for file in files if file.name != LIFECYCLE_FILE]
    if not workflow_files and not problems:
        problems.append("no workflow files given")
    for file in workflow_files:
        spec, found, noted = _read_workflow(file, lifecycles)
        problems += found
        notes += noted
        if spec is not None:
            specs.append(spec)
    problems = lifecycles.problems + problems + _catalogue_problems(specs)
    if problems:
        raise WorkflowFileError(problems)
    return Catalogue(
        workflows={spec.name: spec for spec in specs},
        machines={spec.name: WorkflowMachine(spec) for spec in specs},
        notes=lifecycles.notes + notes,
    )


@dataclass
class Catalogue:
    """The loaded workflows, their shared machines, and which workflow serves a request.

    ``for_category`` picks the workflow serving the category at the location's
    kind.  When the address matched no unit (``location_kind`` None), or no
    workflow serves the category at that kind, it picks the workflow serving
    the category whose locations include ``community``, else the first one
    loaded that serves it: a request is never refused for where it is.
    """

    workflows: dict[str, WorkflowSpec]
    machines: dict[str, WorkflowMachine]
    notes: list[str] = field(default_factory=list)
    """What loads but a reader would miss: labels without a Chinese name (``ticketing workflows check`` shows them)."""
    _serving: dict[str, list[WorkflowSpec]] = field(init=False, repr=False)
    _categories: dict[str, Category] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._serving = {}
        self._categories = {}
        for spec in self.workflows.values():
            for category in spec.categories:
                self._serving.setdefault(category.code, []).append(spec)
                self._categories.setdefault(category.code, category)

    def for_category(self, category: str, location_kind: UnitKind | None) -> WorkflowSpec:
        serving = self._serving.get(category) or self._unknown(category)
        for kind in (location_kind, UnitKind.COMMUNITY):
            for spec in serving:
                if kind in spec.location_kinds:
                    return spec
        return serving[0]

    def categories(self) -> list[Category]:
        """Every category once, in load order."""
        return list(self._categories.values())

    def category(self, code: str) -> Category:
        return self._categories.get(code) or self._unknown(code)

    def _unknown(self, code: str) -> NoReturn:
        raise InvalidInput(
            "unknown category %(category)r (known: %(known)s)", category=code, known=", ".join(self._categories)
        )


def _files(paths: Iterable[Path], problems: list[str]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            files += found
            if not any(file.name != LIFECYCLE_FILE for file in found):
                problems.append(f"{path}: no *.toml workflow files in this folder")
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such file or folder")
    return files


@dataclass(frozen=True)
class _Lifecycle:
    """The shared states and transitions as one lifecycle file declares them."""

    source: str
    initial: str
    states: dict[str, State]
    transitions: tuple[Transition, ...]
    graph_problems: list[tuple[str, str]]


class _Lifecycles:
    """Each lifecycle file read and checked once, however many workflows share it."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []
        self._read: dict[Path, _Lifecycle | None] = {}

    def of(self, workflow_file: Path) -> _Lifecycle | None:
        """The lifecycle beside ``workflow_file``, else the shipped one."""
        beside = workflow_file.parent / LIFECYCLE_FILE
        return self.get(beside if beside.is_file() else SHIPPED_LIFECYCLE)

    def get(self, path: Path) -> _Lifecycle | None:
        key = path.resolve()
        if key not in self._read:
            data, problems = _read_toml(path)
            self.problems += problems
            self._read[key] = None
            if data is not None:
                reader = _Reader(str(path))
                self._read[key] = reader.lifecycle(data)
                self.problems += reader.problems
                self.notes += reader.notes
        return self._read[key]


def _read_toml(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [f"{path}: cannot read: {error}"]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as error:
        return None, [_syntax_problem(path, text, error)]


def _read_workflow(path: Path, lifecycles: _Lifecycles) -> tuple[WorkflowSpec | None, list[str], list[str]]:
    """The file's spec, built from its valid parts, its problems and its notes."""
    data, problems = _read_toml(path)
    if data is None:
        return None, problems, []
    reader = _Reader(str(path))
    return reader.spec(data, lifecycles.of(path)), reader.problems, reader.notes


def _syntax_problem(path: Path, text: str, error: tomllib.TOMLDecodeError) -> str:
    """Name the line and, where it can be seen, the key: a duplicate key is a syntax error in TOML."""
    match = re.search(r"at line (\d+)", str(error))
    lines = text.splitlines()
    if not match or int(match[1]) > len(lines):
        return f"{path}: TOML syntax error: {error}"
    number = int(match[1])
    line = lines[number - 1].strip()
    where = f"line {number}"
    if "=" in line and not line.startswith("["):
        headers = (re.match(r"\[+\s*([^\]]+?)\s*\]", above.strip()) for above in reversed(lines[: number - 1]))
        table = next((header[1] for header in headers if header), None)
        key = line.split("=", 1)[0].strip().strip("\"'")
        where += f", {table}.{key}" if table else f", {key}"
    hint = " (a key may be defined only once)" if "overwrite" in str(error) or "twice" in str(error) else ""
    return f"{path}: {where}: TOML syntax error: {error}{hint}"


def _catalogue_problems(specs: list[WorkflowSpec]) -> list[str]:
    """Checks across files: unique names, one name per category code, one workflow per request."""
    problems: list[str] = []
    names: dict[str, WorkflowSpec] = {}
    first: dict[str, tuple[Category, WorkflowSpec]] = {}
    served: dict[tuple[str, UnitKind], WorkflowSpec] = {}
    for spec in specs:
        other = names.setdefault(spec.name, spec)
        if other is not spec and spec.name:
            problems.append(f"{spec.source}: name: workflow {spec.name!r} is already defined in {other.source}")
        for category in spec.categories:
            known, where = first.setdefault(category.code, (category, spec))
            key = f"{spec.source}: categories.{category.code}"
            if known.label != category.label:
                problems.append(
                    f"{key}: labelled {_shown(category.label)} here but {_shown(known.label)} in {where.source}; "
                    "one code, one label"
                )
            if known.public != category.public:
                problems.append(
                    f"{key}.public: {str(category.public).lower()} here but {str(known.public).lower()} in "
                    f"{where.source}; a category is public in every workflow or in none"
                )
            clashes: dict[str, list[str]] = {}
            for kind in (kind for kind in UnitKind if kind in spec.location_kinds):
                other = served.setdefault((category.code, kind), spec)
                if other is not spec:
                    clashes.setdefault(f"{other.name!r} ({other.source})", []).append(kind.value)
            problems += [
                f"{key}: at location kinds {', '.join(kinds)} already served by workflow {owner}; "
                "a request needs exactly one workflow"
                for owner, kinds in clashes.items()
            ]
    return problems


def _shown(label: Label) -> str:
    return f"{label.text!r} (zh {label.zh!r})" if label.zh else repr(label.text)


def _replace_triggers(shared: tuple[Transition, ...], own: tuple[Transition, ...]) -> tuple[Transition, ...]:
    """``shared`` with the transitions of each trigger ``own`` uses replaced by ``own``'s, at the first one's place."""
    replaced = {transition.trigger for transition in own}
    merged: list[Transition] = []
    for transition in shared:
        if transition.trigger not in replaced:
            merged.append(transition)
        elif not any(done.trigger is transition.trigger for done in merged):
            merged += [mine for mine in own if mine.trigger is transition.trigger]
    new_triggers = replaced - {transition.trigger for transition in shared}
    return (*merged, *(mine for mine in own if mine.trigger in new_triggers))


class _Reader:
    """Builds a spec or a lifecycle from one file's data, keeping only valid parts and noting every problem."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[str] = []
        self.notes: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.file}: {key}: {message}")

    def lifecycle(self, data: dict[str, Any]) -> _Lifecycle:
        self.keys(data, "", LIFECYCLE_KEYS)
        states = self.states(data.get("states"))
        initial = self.state_name(data.get("initial"), "initial", states)
        transitions = self.transitions(data.get("transitions"), states, "transitions")
        found = _graph(initial, states, transitions)
        for name, message in found:
            self.problem(f"states.{name}", message)
        return _Lifecycle(self.file, initial or "", states, transitions, found)

    def spec(self, data: dict[str, Any], lifecycle: _Lifecycle | None) -> WorkflowSpec:
        self.keys({key: value for key, value in data.items() if key not in LIFECYCLE_KEYS}, "", TOP_KEYS, OPTIONAL_KEYS)
        for key in LIFECYCLE_KEYS:
            if key in data:
                self.problem(
                    key,
                    f"the lifecycle is shared: {key} belongs in {lifecycle.source if lifecycle else LIFECYCLE_FILE}; "
                    "a workflow that departs from it says how under [lifecycle]",
                )
        states, transitions = self.overrides(data.get("lifecycle"), lifecycle)
        spec = WorkflowSpec(
            name=self.code(data.get("name"), "name") or "",
            title=self.label(data.get("title"), data.get("title_zh"), "title", "title_zh"),
            location_kinds=self.locations(data.get("locations")),
            categories=self.categories(data.get("categories")),
            initial=lifecycle.initial if lifecycle else "",
            states=states,
            transitions=transitions,
            chain=self.chain(data.get("chain")),
            source=self.file,
            lifecycle_source=lifecycle.source if lifecycle else "",
            reminders=self.reminders(data.get("reminders")),
            supervision=self.supervision(data.get("supervision")),
            callback=self.callback(data.get("callback")),
        )
        self.publication(spec)
        return spec

    def overrides(self, value: Any, shared: _Lifecycle | None) -> tuple[dict[str, State], tuple[Transition, ...]]:
        """The shared lifecycle with this file's ``[lifecycle]`` changes, checked as a whole again."""
        table = self.table(value, "lifecycle")
        self.keys(table, "lifecycle", (), OVERRIDE_KEYS)
        if shared is None:
            return {}, ()
        if not table:
            return shared.states, shared.transitions
        states = dict(shared.states)
        for name, entry in self.table(table.get("states"), "lifecycle.states").items():
            key = f"lifecycle.states.{name}"
            if name in shared.states:
                states[name] = self.state(name, entry, key, shared.states[name].label) or states[name]
            else:
                self.problem(
                    key,
                    f"unknown state {name!r}: [lifecycle.states] changes the states of {shared.source} "
                    f"({', '.join(shared.states)})",
                )
        own = self.transitions(table.get("transitions"), states, "lifecycle.transitions")
        transitions = _replace_triggers(shared.transitions, own)
        for name, message in _graph(shared.initial, states, transitions):
            if (name, message) not in shared.graph_problems:
                self.problem("lifecycle", f"with this file's changes, state {name!r}: {message}")
        return states, transitions

    def keys(self, table: dict[str, Any], key: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
        prefix, kind = (f"{key}.", "key") if key else ("", "top-level key")
        for name in required:
            if name not in table:
                self.problem(f"{prefix}{name}", f"missing {kind} (required: {', '.join(required)})")
        for name in table:
            if name not in required + optional:
                self.problem(f"{prefix}{name}", f"unknown {kind} (allowed: {', '.join(required + optional)})")

    def table(self, value: Any, key: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(key, "must be a table")
            return {}
        return value

    def array(self, value: Any, key: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, "must be a list")
            return []
        return value

    def text(self, value: Any, key: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "must be a non-empty string")
            return None
        return value

    def code(self, value: Any, key: str) -> str | None:
        text = self.text(value, key)
        if text is not None and not CODE.fullmatch(text):
            self.problem(key, f"{text!r} must be lower-case letters, digits and _ (it is stored and shown in URLs)")
        return text

    def flag(self, value: Any, key: str) -> bool:
        if value is not None and not isinstance(value, bool):
            self.problem(key, "must be true or false")
        return value is True

    def choice(self, value: Any, key: str, enum: type[E], what: str) -> E | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return enum(value)
            except ValueError:
                pass
        self.problem(key, f"unknown {what} {value!r} (allowed: {', '.join(enum)})")
        return None

    def entry(self, value: Any, key: str, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, Any]:
        """A table of a category's or a state's keys."""
        if not isinstance(value, dict):
            self.problem(key, f"must be a table ({', '.join(required + optional)})")
            return {}
        self.keys(value, key, required, optional)
        return value

    def label(self, value: Any, zh_value: Any, key: str, zh_key: str) -> Label:
        """A catalogue msgid (English) and, for a name the catalogues do not know, its Chinese."""
        text = self.text(value, key) or ""
        zh = self.text(zh_value, zh_key) or ""
        if text and zh and is_translated(text):
            self.problem(
                zh_key,
                f"the catalogues already translate {text!r} as {translate(text, CHINESE)!r}: drop the Chinese "
                "given here, which is only for names they do not know",
            )
        elif text and not zh and not is_translated(text):
            self.notes.append(
                f"{self.file}: {key}: {text!r} has no Chinese name: the catalogues do not translate it; "
                f"give one with {zh_key}"
            )
        return Label(text, zh)

    def locations(self, value: Any) -> frozenset[UnitKind]:
        items = self.array(value, "locations")
        if value is not None and not items:
            self.problem("locations", "empty: list the location kinds this workflow serves")
        kinds = (self.choice(item, f"locations[{i}]", UnitKind, "location kind") for i, item in enumerate(items))
        return frozenset(kind for kind in kinds if kind)

    def categories(self, value: Any) -> tuple[Category, ...]:
        table = self.table(value, "categories")
        if value is not None and not table:
            self.problem("categories", "empty: a workflow must serve at least one category")
        categories = []
        for code, entry in table.items():
            key = f"categories.{code}"
            item = self.entry(entry, key, ("label",), ("zh", "public"))
            label = self.label(item.get("label"), item.get("zh"), f"{key}.label", f"{key}.zh")
            public = self.flag(item.get("public"), f"{key}.public")
            if self.code(code, key):
                categories.append(Category(code, label, public))
        return tuple(categories)

    def publication(self, spec: WorkflowSpec) -> None:
        """A dispute workflow never publishes what residents write (``domain.disclosure``)."""
        if not is_dispute(spec):
            return
        for category in spec.categories:
            if category.public:
                self.problem(
                    f"categories.{category.code}.public",
                    "a dispute workflow (its chain runs through community_police, who mediate disputes) never "
                    "publishes what residents write: remove public = true",
                )

    def states(self, value: Any) -> dict[str, State]:
        table = self.table(value, "states")
        states: dict[str, State] = {}
        for name, entry in table.items():
            state = self.state(name, entry, f"states.{name}")
            if state:
                states[name] = state
        if value is not None and not any(state.final for state in states.values()):
            self.problem("states", "no final state: mark at least one with final = true")
        return states

    def state(self, name: str, entry: Any, key: str, shared: Label | None = None) -> State | None:
        """A state, or a shared one changed under ``[lifecycle]``: it keeps the ``shared`` label unless given one."""
        if shared is None:
            item = self.entry(entry, key, ("label",), ("zh", *STATE_KEYS))
        else:
            item = self.entry(entry, key, (), ("label", "zh", *STATE_KEYS))
        label = shared
        if label is None or "label" in item or "zh" in item:
            text = item.get("label", shared.text if shared else None)
            label = self.label(text, item.get("zh"), f"{key}.label", f"{key}.zh")
        clock = self.choice(item.get("clock"), f"{key}.clock", Clock, "clock")
        pauses = self.flag(item.get("pauses"), f"{key}.pauses")
        final = self.flag(item.get("final"), f"{key}.final")
        if pauses and final:
            self.problem(key, "a state cannot both pause the clock and be final")
        if pauses and "clock" in item:
            self.problem(f"{key}.clock", "a pausing state runs no clock: drop clock or pauses")
        if not self.code(name, key):
            return None
        return State(name, label, clock, pauses, final)

    def state_name(self, value: Any, key: str, states: dict[str, State]) -> str | None:
        name = self.text(value, key)
        if name is not None and states and name not in states:
            self.problem(key, f"unknown state {name!r} (states: {', '.join(states)})")
            return None
        return name

    def transitions(self, value: Any, states: dict[str, State], where: str) -> tuple[Transition, ...]:
        transitions = []
        for i, entry in enumerate(self.array(value, where)):
            key = f"{where}[{i}]"
            item = self.table(entry, key)
            self.keys(item, key, ("trigger", "source", "dest"), ("guards",))
            trigger = self.choice(item.get("trigger"), f"{key}.trigger", Action, "trigger")
            raw_sources = self.array(item.get("source"), f"{key}.source")
            if isinstance(item.get("source"), list) and not raw_sources:
                self.problem(f"{key}.source", "empty: a transition from nowhere; list its source states")
            sources = [self.state_name(s, f"{key}.source[{j}]", states) for j, s in enumerate(raw_sources)]
            dest = self.state_name(item.get("dest"), f"{key}.dest", states)
            guards = [
                self.guard(g, f"{key}.guards[{j}]")
                for j, g in enumerate(self.array(item.get("guards"), f"{key}.guards"))
            ]
            if trigger and dest and sources and all(sources) and all(guards):
                transitions.append(
                    Transition(trigger, tuple(s for s in sources if s), dest, tuple(g for g in guards if g))
                )
        return tuple(transitions)

    def guard(self, value: Any, key: str) -> str | None:
        if isinstance(value, str) and value in GUARDS:
            return value
        self.problem(
            key,
            f"unknown guard {value!r}: guards are names from a fixed list, never import paths "
            f"(allowed guards: {', '.join(GUARDS)})",
        )
        return None

    def chain(self, value: Any) -> tuple[Tier, ...]:
        items = self.array(value, "chain")
        if value is not None and not items:
            self.problem("chain", "empty: name at least one tier ([[chain]] with post and deadlines)")
        tiers: list[Tier] = []
        for i, entry in enumerate(items):
            key = f"chain[{i}]"
            item = self.table(entry, key)
            self.keys(item, key, ("post", *DEADLINES), TIER_OPTIONAL_KEYS)
            post = self.choice(item.get("post"), f"{key}.post", PostKind, "post kind")
            if post is not None and post in (tier.post_kind for tier in tiers):
                self.problem(f"{key}.post", f"{post.value!r} is already a tier of this chain")
            acknowledge, resolve, callback = (self.duration(item.get(clock), f"{key}.{clock}") for clock in DEADLINES)
            extension = self.duration(item.get("max_extension"), f"{key}.max_extension")
            if post and acknowledge and resolve and callback and (extension or "max_extension" not in item):
                tiers.append(Tier(post, acknowledge, resolve, callback, max_extension=extension))
        return tuple(tiers)

    def reminders(self, value: Any) -> tuple[int, ...]:
        shares: list[int] = []
        for i, item in enumerate(self.array(value, "reminders")):
            if isinstance(item, bool) or not isinstance(item, int) or not 0 < item < 100:
                self.problem(f"reminders[{i}]", f"{item!r} must be a whole percentage between 1 and 99")
            elif shares and item <= shares[-1]:
                self.problem(f"reminders[{i}]", f"{item} must be larger than the reminder before it ({shares[-1]})")
            else:
                shares.append(item)
        return tuple(shares)

    def supervision(self, value: Any) -> Supervision | None:
        table = self.table(value, "supervision")
        if not table:
            return None
        self.keys(table, "supervision", SUPERVISION_KEYS)
        urge_after, warn_after = (self.workdays(table.get(name), f"supervision.{name}") for name in SUPERVISION_KEYS)
        return Supervision(urge_after, warn_after) if urge_after and warn_after else None

    def callback(self, value: Any) -> CallbackPlan:
        """Who calls back (the first responder, or a community post kind such as a 回访岗), the attempts' spacing
        and how many unreached attempts close the ticket as unreachable."""
        table = self.table(value, "callback")
        self.keys(table, "callback", (), CALLBACK_KEYS)
        plan = CallbackPlan()
        by = table.get("by", FIRST_RESPONDER)
        if by != FIRST_RESPONDER:
            kind = self.choice(by, "callback.by", PostKind, f"caller ({FIRST_RESPONDER} or a post kind)")
            if kind is not None and POST_UNIT[kind] is not UnitKind.COMMUNITY:
                self.problem("callback.by", f"{kind.value!r} is not a post of the community: the callback post is one")
            elif kind is not None:
                plan = replace(plan, by=kind)
        spacing = self.duration(table.get("spacing"), "callback.spacing")
        plan = replace(plan, spacing=spacing) if spacing else plan
        attempts = table.get("attempts", plan.attempts)
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts not in CALLBACK_ATTEMPTS:
            low, high = CALLBACK_ATTEMPTS[0], CALLBACK_ATTEMPTS[-1]
            self.problem("callback.attempts", f"{attempts!r} must be a whole number of attempts from {low} to {high}")
            return plan
        return replace(plan, attempts=attempts)

    def workdays(self, value: Any, key: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 30:
            self.problem(key, f"{value!r} must be a whole number of working days from 1 to 30")
            return None
        return value

    def duration(self, value: Any, key: str) -> Duration | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(key, f"{value!r} must be a string such as 30m, 4h, 3d or 3天")
            return None
        try:
            return Duration.parse(value)
        except InvalidInput as error:
            self.problem(key, str(error))
            return None


def _graph(initial: str | None, states: dict[str, State], transitions: tuple[Transition, ...]) -> list[tuple[str, str]]:
    """(state, problem): every state reachable from ``initial``; every state not final has a way out."""
    if not initial or not states:
        return []
    leaving: dict[str, set[str]] = {name: set() for name in states}
    for transition in transitions:
        for source in transition.sources:
            leaving[source].add(transition.dest)
    escalating = {source for t in transitions if t.trigger is Action.ESCALATE for source in t.sources}
    reached, todo = {initial}, [initial]
    while todo:
        for dest in leaving[todo.pop()] - reached:
            reached.add(dest)
            todo.append(dest)
    problems = []
    for name, state in states.items():
        if name not in reached:
            problems.append((name, f"unreachable from the initial state {initial!r}"))
        if not state.final and not leaving[name]:
            problems.append((name, "dead end: not final, yet no transition leaves it"))
        if state.clock in (Clock.ACKNOWLEDGE, Clock.RESOLVE) and name not in escalating:
            problems.append(
                (
                    name,
                    f"runs the {state.clock.value} clock but no 'escalate' transition leaves it: "
                    "a missed deadline could not move the ticket up the chain",
                )
            )
    return problems
