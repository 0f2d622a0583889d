"""Load and check the declarative workflow files (``workflows/*.toml``).

The format is described in ``docs/workflows.md``.  Every problem of every file
is collected before anything is raised, each prefixed with the file and the
key (``workflows/general.toml: transitions[3].dest: …``), so one run lists all
that must be fixed.  Guards are names looked up in ``GUARDS``: nothing a file
names is ever imported.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from ticketing.domain.disclosure import is_dispute
from ticketing.domain.errors import InvalidInput, WorkflowFileError
from ticketing.domain.guards import GUARDS
from ticketing.domain.org import PostKind, UnitKind
from ticketing.domain.workflow import (
    Action,
    Category,
    Clock,
    Duration,
    State,
    Supervision,
    Tier,
    Transition,
    WorkflowSpec,
)
from ticketing.machine import WorkflowMachine

TOP_KEYS = ("name", "title", "locations", "initial", "categories", "states", "chain", "transitions")
OPTIONAL_KEYS = ("reminders", "supervision")
SUPERVISION_KEYS = ("urge_after", "warn_after")
DEADLINES = ("acknowledge", "resolve", "callback")
TIER_OPTIONAL_KEYS = ("max_extension",)
CODE = re.compile(r"[a-z][a-z0-9_]*")
E = TypeVar("E", bound=StrEnum)


def load_workflow(path: Path) -> WorkflowSpec:
    """Load one workflow file, or raise WorkflowFileError listing all its problems."""
    spec, problems = _read_file(Path(path))
    if problems or spec is None:
        raise WorkflowFileError(problems)
    return spec


def load_workflows(paths: Iterable[Path]) -> Catalogue:
    """Load files and folders (their ``*.toml``, sorted) into one checked catalogue."""
    problems: list[str] = []
    specs: list[WorkflowSpec] = []
    files = _files(paths, problems)
    if not files and not problems:
        problems.append("no workflow files given")
    for file in files:
        spec, found = _read_file(file)
        problems += found
        if spec is not None:
            specs.append(spec)
    problems += _catalogue_problems(specs)
    if problems:
        raise WorkflowFileError(problems)
    return Catalogue(
        workflows={spec.name: spec for spec in specs},
        machines={spec.name: WorkflowMachine(spec) for spec in specs},
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
            if not found:
                problems.append(f"{path}: no *.toml workflow files in this folder")
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{path}: no such file or folder")
    return files


def _read_file(path: Path) -> tuple[WorkflowSpec | None, list[str]]:
    """The file's spec, built from its valid parts, and its problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [f"{path}: cannot read: {error}"]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, [_syntax_problem(path, text, error)]
    reader = _Reader(str(path))
    return reader.spec(data), reader.problems


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
            if (known.name_zh, known.name_en) != (category.name_zh, category.name_en):
                problems.append(
                    f"{key}: named {category.name_zh!r} / {category.name_en!r} here but "
                    f"{known.name_zh!r} / {known.name_en!r} in {where.source}; one code, one name"
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


class _Reader:
    """Builds a spec from one file's data, keeping only valid parts and noting every problem."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.file}: {key}: {message}")

    def spec(self, data: dict[str, Any]) -> WorkflowSpec:
        self.keys(data, "", TOP_KEYS, OPTIONAL_KEYS)
        states = self.states(data.get("states"))
        initial = self.state_name(data.get("initial"), "initial", states)
        transitions = self.transitions(data.get("transitions"), states)
        self.graph(initial, states, transitions)
        _, title_zh, title_en = self.labelled(data.get("title"), "title")
        spec = WorkflowSpec(
            name=self.code(data.get("name"), "name") or "",
            title_zh=title_zh,
            title_en=title_en,
            location_kinds=self.locations(data.get("locations")),
            categories=self.categories(data.get("categories")),
            initial=initial or "",
            states=states,
            transitions=transitions,
            chain=self.chain(data.get("chain")),
            source=self.file,
            reminders=self.reminders(data.get("reminders")),
            supervision=self.supervision(data.get("supervision")),
        )
        self.publication(spec)
        return spec

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

    def labelled(self, value: Any, key: str, optional: tuple[str, ...] = ()) -> tuple[dict[str, Any], str, str]:
        """A table with ``zh`` and ``en`` names and, maybe, the ``optional`` keys."""
        if not isinstance(value, dict):
            if value is not None:
                self.problem(key, "must be a table with zh and en names")
            return {}, "", ""
        self.keys(value, key, ("zh", "en"), optional)
        return (
            value,
            self.text(value.get("zh"), f"{key}.zh") or "",
            self.text(value.get("en"), f"{key}.en") or "",
        )

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
            item, name_zh, name_en = self.labelled(entry, key, ("public",))
            public = self.flag(item.get("public"), f"{key}.public")
            if self.code(code, key):
                categories.append(Category(code, name_zh, name_en, public))
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
            key = f"states.{name}"
            item, label_zh, label_en = self.labelled(entry, key, ("clock", "pauses", "final"))
            clock = self.choice(item.get("clock"), f"{key}.clock", Clock, "clock")
            pauses = self.flag(item.get("pauses"), f"{key}.pauses")
            final = self.flag(item.get("final"), f"{key}.final")
            if pauses and final:
                self.problem(key, "a state cannot both pause the clock and be final")
            if pauses and "clock" in item:
                self.problem(f"{key}.clock", "a pausing state runs no clock: drop clock or pauses")
            if self.code(name, key):
                states[name] = State(name, label_zh, label_en, clock, pauses, final)
        if value is not None and not any(state.final for state in states.values()):
            self.problem("states", "no final state: mark at least one with final = true")
        return states

    def state_name(self, value: Any, key: str, states: dict[str, State]) -> str | None:
        name = self.text(value, key)
        if name is not None and states and name not in states:
            self.problem(key, f"unknown state {name!r} (states: {', '.join(states)})")
            return None
        return name

    def transitions(self, value: Any, states: dict[str, State]) -> tuple[Transition, ...]:
        transitions = []
        for i, entry in enumerate(self.array(value, "transitions")):
            key = f"transitions[{i}]"
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

    def graph(self, initial: str | None, states: dict[str, State], transitions: tuple[Transition, ...]) -> None:
        """Every state reachable from ``initial``; every state not final has a way out."""
        if not initial or not states:
            return
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
        for name, state in states.items():
            if name not in reached:
                self.problem(f"states.{name}", f"unreachable from the initial state {initial!r}")
            if not state.final and not leaving[name]:
                self.problem(f"states.{name}", "dead end: not final, yet no transition leaves it")
            if state.clock in (Clock.ACKNOWLEDGE, Clock.RESOLVE) and name not in escalating:
                self.problem(
                    f"states.{name}",
                    f"runs the {state.clock.value} clock but no 'escalate' transition leaves it: "
                    "a missed deadline could not move the ticket up the chain",
                )

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
            if post in (tier.post_kind for tier in tiers):
                self.problem(f"{key}.post", f"{post.value!r} is already a tier of this chain")
            deadlines = [self.duration(item.get(clock), f"{key}.{clock}") for clock in DEADLINES]
            extension = self.duration(item.get("max_extension"), f"{key}.max_extension")
            if post and all(deadlines) and (extension or "max_extension" not in item):
                tiers.append(Tier(post, *deadlines, max_extension=extension))
        return tuple(tiers)

    def reminders(self, value: Any) -> tuple[int, ...]:
        shares = []
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
        days = [self.workdays(table.get(name), f"supervision.{name}") for name in SUPERVISION_KEYS]
        return Supervision(*days) if all(days) else None

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
            self.problem(key, f"{value!r} must be a string such as 30m, 4h or 3d")
            return None
        try:
            return Duration.parse(value)
        except ValueError as error:
            self.problem(key, str(error))
            return None
