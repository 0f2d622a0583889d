"""``ticketing org``: import and show the organisation registry."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from ticketing.cli.context import CliContext
from ticketing.cli.group import Group
from ticketing.cli.progress import Progress, progress_option
from ticketing.domain.errors import OrgFileError
from ticketing.domain.org import Organisation, Post, Unit, UnitKind
from ticketing.organisation.data import POST_LABELS_ZH, UNIT_LABELS_ZH, ImportSummary, OrgData


@click.group(cls=Group)
def org() -> None:
    """The organisation registry (组织架构): units, posts, A/B holders (and any after B)."""


@org.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--now", help="When the hand-overs happen: ISO 8601, without an offset local time (default: now).")
@progress_option
@click.pass_obj
def import_files(obj: CliContext, files: tuple[Path, ...], now: str | None, progress: bool | None) -> None:
    """Import organisation files (.yaml/.toml) and rosters (.csv/.xlsx), in order, all or nothing.

    Open tickets of a post whose A or B holder changes pass to the new holders in the same transaction.
    A problem names its file and line (or row), the unit or staff member, and the key path.
    """
    from ticketing.deploy.migrate import upgrade
    from ticketing.services import organisation

    upgrade(obj.engine)
    try:
        with Progress("importing", progress) as shown:
            summary = organisation.import_files(obj.ticketing, files, obj.moment(now), progress=shown)
    except OrgFileError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        click.echo(f"{len(error.problems)} problem(s); nothing was imported", err=True)
        raise SystemExit(1) from None
    click.echo(summary_text(summary))


@org.command("holders")
@click.argument("post_id")
@click.option("--a", "holder_a", required=True, help="Staff id of the A (primary) holder.")
@click.option("--b", "holder_b", required=True, help="Staff id of the B (backup) holder.")
@click.option("--more", "more_holders", multiple=True, help="A holder after B, in order; repeat for each.")
@click.option("--now", help="When the hand-overs happen: ISO 8601, without an offset local time (default: now).")
@click.pass_obj
def holders(
    obj: CliContext, post_id: str, holder_a: str, holder_b: str, more_holders: tuple[str, ...], now: str | None
) -> None:
    """Give POST_ID new holders (A, B and, in order, those after B); its open tickets follow them."""
    from ticketing.services import organisation

    holder_a, holder_b = obj.staff_id(holder_a), obj.staff_id(holder_b)
    more_holders = tuple(obj.staff_id(typed) for typed in more_holders)
    try:
        summary = organisation.change_holders(
            obj.ticketing, post_id, holder_a, holder_b, obj.moment(now), more_holders=more_holders
        )
    except organisation.HolderProblems as problems:
        for name, problem in problems.fields.items():
            click.echo(f"{name}: {problem}", err=True)
        raise SystemExit(1) from None
    order = " / ".join((holder_a, holder_b, *more_holders))
    click.echo(f"{post_id}: {order}; {summary.rehomed} open ticket(s) passed to new holders")


@org.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the whole registry as JSON.")
@click.pass_obj
def show(obj: CliContext, as_json: bool) -> None:
    """Print the registry: a tree of streets, communities and grids with their A/B holders."""
    from ticketing.read.registry import stored_registry

    stored = stored_registry(obj.engine)
    if stored is None:
        raise click.ClickException("this database has no registry yet; run `ticketing org import FILE`")
    data, version = stored.data, stored.version
    if as_json:
        click.echo(json.dumps(_registry_json(data, version), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(_tree_lines(data, version)))


def summary_text(summary: ImportSummary) -> str:
    lines = [
        f"{name:<10} {c.created} created, {c.updated} updated, {c.unchanged} unchanged, {c.not_in_file} not in file"
        for name, c in summary.tables().items()
    ]
    if summary.defaults_changed:
        lines.append("defaults   changed")
    if summary.rehomed:
        lines.append(f"tickets    {summary.rehomed} passed to new holders")
    outcome = f"registry version {summary.org_version}" if summary.changed else "nothing changed"
    return "\n".join([*lines, outcome])


def _registry_json(data: OrgData, version: int) -> dict[str, Any]:
    org = data.organisation
    return {
        "org_version": version,
        "default_intake_community": org.default_intake_community,
        "default_calendar": data.default_calendar,
        "calendars": {
            cid: {"name": data.calendar_names.get(cid, ""), **hours.to_spec()} for cid, hours in data.calendars.items()
        },
        "units": [asdict(unit) for unit in org.units.values()],
        "posts": [{**asdict(post), "calendar": data.calendar_for_post(post.id)} for post in org.posts.values()],
        "staff": [asdict(member) for member in org.staff.values()],
    }


class _Tree:
    """The registry arranged for printing: children and posts per unit."""

    def __init__(self, org: Organisation) -> None:
        self.org = org
        self.children: dict[str | None, list[Unit]] = defaultdict(list)
        for unit in sorted(org.units.values(), key=lambda u: u.id):
            self.children[unit.parent_id].append(unit)
        self.posts: dict[str, list[Post]] = defaultdict(list)
        for post in org.posts.values():
            self.posts[post.unit_id].append(post)

    def holders(self, unit: Unit) -> str:
        return " · ".join(
            f"{POST_LABELS_ZH[post.kind]} A {self.name(post.holder_a)} / B {self.name(post.holder_b)}"
            + "".join(f" / {self.name(more)}" for more in post.more_holders)
            for post in self.posts[unit.id]
        )

    def name(self, staff_id: str) -> str:
        member = self.org.staff.get(staff_id)
        return member.name if member else staff_id

    def counts(self, unit: Unit) -> Counter[UnitKind]:
        """Units of each kind below ``unit``."""
        found: Counter[UnitKind] = Counter()
        for child in self.children[unit.id]:
            found[child.kind] += 1
            found.update(self.counts(child))
        return found


def _count_text(counts: Counter[UnitKind]) -> str:
    return ", ".join(f"{counts[kind]} {UNIT_LABELS_ZH[kind]}" for kind in UnitKind if counts[kind])


def _tree_lines(data: OrgData, version: int) -> list[str]:
    org = data.organisation
    if not org.units:
        return ["the registry is empty; import one with `ticketing org import FILE`"]
    tree = _Tree(org)
    intake = org.units.get(org.default_intake_community or "")
    lines = [
        f"registry version {version}: {len(org.units)} units, {len(org.posts)} posts, {len(org.staff)} staff",
        f"default intake community: {f'{intake.name} {intake.id}' if intake else '-'}; "
        f"default hours: {data.default_calendar or '-'}",
    ]
    for root in tree.children[None]:
        lines.extend(_unit_lines(tree, root, 0))
    return lines


def _unit_lines(tree: _Tree, unit: Unit, depth: int) -> list[str]:
    """A unit's line and, down to grid level, its children's; below a grid only counts."""
    parts = [f"{unit.name} {unit.id}"]
    if unit.calendar_id:
        parts.append(f"hours {unit.calendar_id}")
    if unit.kind in (UnitKind.DISTRICT, UnitKind.GRID):
        parts.append(_count_text(tree.counts(unit)))
    if unit.kind is not UnitKind.COMMUNITY and tree.posts[unit.id]:
        parts.append(tree.holders(unit))
    indent = "  " * depth
    lines = [indent + " · ".join(part for part in parts if part)]
    if unit.kind is UnitKind.COMMUNITY:
        lines.append(f"{indent}    {tree.holders(unit)}")
    if unit.kind is not UnitKind.GRID:
        for child in tree.children[unit.id]:
            lines.extend(_unit_lines(tree, child, depth + 1))
    return lines
