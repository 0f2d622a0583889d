"""What each figure of ``python -m bench`` is made of: rounds interleaved with a baseline, medians, the table."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One figure on one database, beside the baseline measured in the same run (or none where the issue has none)."""

    database: str
    name: str
    value: str
    baseline: str
    ratio: str
    goal: str
    met: bool | None

    @property
    def verdict(self) -> str:
        return "-" if self.met is None else ("yes" if self.met else "NO")


def interleaved(rounds: int, measured: Callable[[], float], baseline: Callable[[], float]) -> tuple[float, float]:
    """The median of ``rounds`` runs of each, alternating which goes first so drift hits both alike."""
    ours: list[float] = []
    theirs: list[float] = []
    for round_ in range(rounds):
        pair = (measured, baseline) if round_ % 2 == 0 else (baseline, measured)
        results = [run() for run in pair]
        first, second = results if round_ % 2 == 0 else results[::-1]
        ours.append(first)
        theirs.append(second)
    return statistics.median(ours), statistics.median(theirs)


def timed(run: Callable[[], object]) -> float:
    """Seconds one call of ``run`` took."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def percentile(samples: Sequence[float], share: float) -> float:
    """The ``share`` (0–1) percentile of the samples, nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Progress:
    """A one-line progress bar on stderr: what runs now, and how far the whole run is."""

    def __init__(self, total: int) -> None:
        self.total = max(total, 1)
        self.done = 0

    def step(self, what: str) -> None:
        """Say what runs now: redrawn in place on a terminal, a line each in a log."""
        width = 30
        filled = width * self.done // self.total
        line = f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {what}"
        if sys.stderr.isatty():
            print("\r" + line[:118].ljust(118), end="", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)
        self.done += 1

    def finish(self) -> None:
        self.done = self.total
        self.step("done")
        if sys.stderr.isatty():
            print(file=sys.stderr)


def print_table(figures: Sequence[Figure]) -> None:
    header = ("database", "figure", "here", "baseline, same run", "ratio", "goal", "met")
    lines = [header] + [(f.database, f.name, f.value, f.baseline, f.ratio, f.goal, f.verdict) for f in figures]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print()
    print("| " + " | ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)) + " |")
    print("| " + " | ".join("-" * width for width in widths) + " |")
    for line in lines[1:]:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) + " |")
