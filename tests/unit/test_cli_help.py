"""``ticketing --help`` and every subcommand's answer at once and say whole what each command does.

The command starts without the web app, the database layer or the spreadsheet and API libraries: each
subcommand imports them when it runs. Before, ``--help`` imported all of them and took 3.2 s on a loaded
machine; now 0.5 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import click
from click.testing import CliRunner

from ticketing.cli import cli
from ticketing.cli.tickets import ACTION_NAMES

HEAVY = ("flask", "sqlalchemy", "openpyxl", "spectree", "pydantic")


def _paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group below ``group``, as the words that name it."""
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_paths(command, (*prefix, name)))
    return found


def _imported(output: str) -> set[str]:
    """The top-level packages ``-X importtime`` says were imported."""
    lines = (line.rpartition("|")[2].strip() for line in output.splitlines() if line.startswith("import time:"))
    return {name.split(".")[0] for name in lines}


def test_help_imports_no_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ticketing", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "Commands:" in done.stdout
    assert "ticketing" in _imported(done.stderr)  # the measurement worked
    assert not _imported(done.stderr) & set(HEAVY)


def test_no_subcommand_help_imports_a_heavy_library() -> None:
    """Every subcommand's ``--help``, in one fresh process, leaves the heavy libraries unimported."""
    script = textwrap.dedent(
        f"""
        import json, sys
        from click.testing import CliRunner
        from ticketing.cli import cli
        paths = {_paths(cli)!r}
        for path in paths:
            result = CliRunner().invoke(cli, [*path, "--help"])
            assert result.exit_code == 0, (path, result.output)
        print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_command_lists_show_whole_descriptions() -> None:
    runner = CliRunner()
    groups = [(), *(path for path in _paths(cli) if isinstance(_command(path), click.Group))]
    for path in groups:
        commands = runner.invoke(cli, [*path, "--help"], terminal_width=80).output.partition("Commands:")[2]
        assert "..." not in commands, commands  # how click ends a description it cut
        listed = " ".join(commands.split())
        group = _command(path)
        assert isinstance(group, click.Group)
        for name, command in group.commands.items():
            first = " ".join((command.help or "").partition("\n\n")[0].split())
            assert f"{name} {first.split('. ')[0]}" in listed, (path, name)


def test_the_help_names_every_action_the_service_knows() -> None:
    from ticketing.services import ACTIONS

    assert sorted(ACTION_NAMES) == sorted(ACTIONS)


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command
