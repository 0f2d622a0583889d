"""One compiled URL builder per rule shape, shared by every Flask app of a test run.

Each test makes its own app, and werkzeug compiles Python code to build each
rule's URLs as the rule is added (most of the 0.1 s an app takes to make).
That code depends only on the rule's text, its parts and the names of its
defaults, so alike rules share it; a rule whose default fills one of its
variable parts is compiled as usual. Each builder is still made by
werkzeug's own method, only once, so what it does is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from werkzeug.routing import Rule

Builder = Callable[..., tuple[str, str]]
CompileBuilder = Callable[[Rule, bool], Builder]


def compiled_once(compile_builder: CompileBuilder) -> CompileBuilder:
    """``Rule._compile_builder`` with the builders it made kept, by rule shape."""
    made: dict[Hashable, Builder] = {}

    def compile_once(rule: Rule, append_unknown: bool = True) -> Builder:
        defaults: dict[str, Any] = rule.defaults or {}
        trace = tuple(rule._trace)
        if any(dynamic and part in defaults for dynamic, part in trace):
            return compile_builder(rule, append_unknown)
        shape = (rule.rule, trace, tuple(defaults), append_unknown)
        if shape not in made:
            made[shape] = compile_builder(rule, append_unknown)
        return made[shape]

    return compile_once
