"""``ticketing workflows``: validate workflow files and draw them."""

from __future__ import annotations

from pathlib import Path

import click

from ticketing.cli.context import CliContext, pass_context
from ticketing.cli.group import Group
from ticketing.domain.errors import NotFound, WorkflowFileError


@click.group(cls=Group)
def workflows() -> None:
    """Declarative workflows (流程定义) in TOML files."""


@workflows.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@pass_context
def check(obj: CliContext, paths: tuple[Path, ...]) -> None:
    """Validate files or folders (default: the configured workflows folder) and their lifecycle; exit 1 on any problem.

    Labels without a Chinese name are noted, not refused: the workflow works, its pages show the English.
    """
    from ticketing.workflow.files import load_workflows

    try:
        catalogue = load_workflows(paths or [obj.settings.workflows_path])
    except WorkflowFileError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from None
    for note in catalogue.notes:
        click.echo(f"note: {note}", err=True)
    for spec in catalogue.workflows.values():
        codes = ", ".join(c.code for c in spec.categories)
        click.echo(
            f"ok  {spec.name}  ({spec.source}, lifecycle {spec.lifecycle_source}): "
            f"{len(spec.states)} states, {len(spec.chain)} tiers; {codes}"
        )


@workflows.command()
@click.argument("name")
@pass_context
def show(obj: CliContext, name: str) -> None:
    """Print workflow NAME as a Mermaid state diagram."""
    from ticketing.workflow.files import load_workflows

    catalogue = load_workflows([obj.settings.workflows_path])
    if name not in catalogue.machines:
        raise NotFound("no workflow %(name)r; workflows: %(known)s", name=name, known=", ".join(catalogue.machines))
    click.echo(catalogue.machines[name].mermaid())
