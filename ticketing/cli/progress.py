"""Progress of a long command on stderr: a bar when stderr is a terminal, a line per tenth when asked (--progress).

Nothing is shown otherwise, so scripts and logs keep only the result on stdout.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

import click

progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show progress on stderr (default: only when stderr is a terminal).",
)


class Progress:
    """A ``(done, total[, what is under way])`` callback for the services that report progress, drawn as
    ``wanted`` says."""

    def __init__(self, label: str, wanted: bool | None) -> None:
        self.label = label
        self.terminal = sys.stderr.isatty()
        self.shown = self.terminal if wanted is None else wanted
        self.bar: Any = None  # click's ProgressBar, made once the total is known
        self.tenths = -1

    def __enter__(self) -> Progress:
        return self

    def __call__(self, done: int, total: int, what: str = "") -> None:
        if not self.shown or total <= 0:
            return
        if self.terminal:
            if self.bar is None:
                self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
                self.bar.__enter__()
            self.bar.label = f"{self.label}: {what}" if what else self.label
            self.bar.update(done - self.bar.pos)
            return
        tenths = done * 10 // total
        if tenths > self.tenths:
            self.tenths = tenths
            click.echo(f"{self.label}: {tenths * 10}% ({done} of {total})" + (f", {what}" if what else ""), err=True)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.__exit__(kind, error, trace)
