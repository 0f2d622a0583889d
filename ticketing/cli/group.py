"""The command groups of ``ticketing``: their ``--help`` lists each command's first sentence whole.

click cuts a command's description in the list to the terminal width, ending it with "…"; here the
description wraps onto further lines instead, so an operator reads what each command does.
"""

from __future__ import annotations

import sys

import click


class Group(click.Group):
    """A group whose command list shows whole first sentences, wrapped rather than cut."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=sys.maxsize)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
