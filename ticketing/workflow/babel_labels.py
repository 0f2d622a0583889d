"""Babel extraction of the labels in workflow files (``babel.cfg``: ``[workflow: workflows/*.toml]``).

Titles and category and state labels are msgids written as data, not in
Python calls: ``pybabel extract`` finds them here, so the catalogues translate
them like every other message and no second copy of them lives in the code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

Extracted = tuple[int, None, str, list[str]]  # line, function (none), msgid, comments for translators


def extract(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[Extracted]:
    """Each label with the line it is on and its key as a comment; a file that is not TOML fails loudly."""
    text = fileobj.read().decode("utf-8")
    lines = text.splitlines()
    for key, label in labels(tomllib.loads(text)):
        line = next((number for number, line in enumerate(lines, 1) if f'"{label}"' in line), 1)
        yield line, None, label, [f"workflow {key}"]


def labels(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(key, label) for the title, the categories, the states and a ``[lifecycle]``'s states."""
    if isinstance(data.get("title"), str):
        yield "title", data["title"]
    lifecycle = data.get("lifecycle")
    tables = {
        "categories": data.get("categories"),
        "states": data.get("states"),
        "lifecycle.states": lifecycle.get("states") if isinstance(lifecycle, dict) else None,
    }
    for where, table in tables.items():
        for name, entry in (table if isinstance(table, dict) else {}).items():
            if isinstance(entry, dict) and isinstance(entry.get("label"), str):
                yield f"{where}.{name}", entry["label"]
