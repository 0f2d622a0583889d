"""Field types of the request models, made from the domain's field rules, each with the JSON Schema it validates.

A type refuses exactly what its schema does not allow, so that a request that
fits a generated document is never refused as malformed and one that does not
fit always is: the refusal is a ``PydanticCustomError`` of a ``Mismatch`` kind
whose message says what would fit ("1 to 2000 characters") and whose context
says the same as data, for each API to phrase.  A value that fits the schema
but cannot be used (a blank required text, a time Python cannot hold) is an
``UNUSABLE`` error: the APIs answer 400 for it rather than 422.

Each field type is ``Annotated[T, metadata]``, its metadata a ``Checked`` made by
one of the functions here (``Phone = Annotated[str, text(PHONE)]``): a type
alias the type checker reads, with ``T | None`` when the field's default is
``None`` (the schema stays the one ``Checked`` gives, which allows no null).

Choices known only when the app runs (the loaded workflows' categories and
states, the jurisdiction) are ``runtime_choice``: the schema carries a
``RUNTIME_CHOICES`` marker that the served document replaces with the enum,
and the value is checked against the list passed in the validation context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, NoReturn, TypeVar

from annotated_types import GroupedMetadata
from pydantic import PlainValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from ticketing.domain.field_rules import CONTROL, YEARS, TextRule

IDENTIFIER = TextRule(100)  # a staff, post, unit or location id

When = TypeVar("When", date, datetime)
UNUSABLE = "unusable"
RUNTIME_CHOICES = "x-runtime-choices"  # marker of a runtime choice in a generated schema: an enum when served
RUNTIME_LIST = "x-runtime-choices-list"  # marker of several, comma-separated: a pattern when served
INTEGER = re.compile(r"-?[0-9]+")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})")


class Mismatch(StrEnum):
    """Why a value does not fit its schema (the error's type; its context has the rule's figures)."""

    TYPE = "wrong_type"  # ctx: expected
    LENGTH = "wrong_length"  # ctx: max_length
    PATTERN = "no_match"  # ctx: pattern, what
    CHOICE = "not_a_choice"  # ctx: choices
    RANGE = "out_of_range"  # ctx: minimum or maximum
    REQUIRED_WITH = "required_with"  # ctx: field (the one missing, given what else the request holds)


@dataclass(frozen=True, slots=True)
class Checked(GroupedMetadata):
    """A field type's validator and the JSON Schema it validates, as one piece of ``Annotated`` metadata."""

    validator: PlainValidator
    schema: WithJsonSchema

    def __iter__(self) -> Iterator[object]:
        yield self.validator
        yield self.schema


def mismatch(kind: Mismatch, message: str, **context: Any) -> NoReturn:
    raise PydanticCustomError(kind.value, message, context)


def unusable(message: str) -> NoReturn:
    raise PydanticCustomError(UNUSABLE, message)


def _string(value: object) -> str:
    if not isinstance(value, str):
        mismatch(Mismatch.TYPE, "a string", expected="string")
    return value


def anchored(pattern: str) -> str:
    """A whole-value pattern as JSON Schema writes it (``pattern`` there matches anywhere)."""
    return f"^(?:{pattern})$"


def text(rule: TextRule, *, required: bool = True) -> Checked:
    """A string of 1 to ``rule.max_length`` characters (matching its pattern), used stripped.

    A required text that is only blanks, or one with a control character, fits the schema but is unusable.
    """
    schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": rule.max_length}
    if rule.pattern is not None:
        schema["pattern"] = anchored(rule.pattern)

    def check(value: object) -> str:
        found = _string(value)
        if not 1 <= len(found) <= rule.max_length:
            mismatch(Mismatch.LENGTH, f"1 to {rule.max_length} characters", max_length=rule.max_length)
        if rule.pattern is not None and re.fullmatch(rule.pattern, found) is None:
            mismatch(Mismatch.PATTERN, f"matching {schema['pattern']}", pattern=schema["pattern"], what=rule.what)
        if CONTROL.search(found):
            unusable("contains a control character")
        if required and not found.strip():
            unusable("blank")
        return found.strip()

    return Checked(PlainValidator(check), WithJsonSchema(schema))


def choice(values: Sequence[str], *, nullable: bool = False) -> Checked:
    """One of ``values`` (or null, when ``nullable``)."""
    allowed = list(values)
    schema: dict[str, Any] = {"type": "string", "enum": allowed}
    if nullable:
        schema = {"type": ["string", "null"], "enum": [*allowed, None]}

    def check(value: object) -> str | None:
        if value is None and nullable:
            return None
        if _string(value) not in allowed:
            mismatch(Mismatch.CHOICE, f"one of: {', '.join(allowed)}", choices=allowed)
        return str(value)

    return Checked(PlainValidator(check), WithJsonSchema(schema))


def runtime_choice(name: str, *, checked: bool = True, several: bool = False) -> Checked:
    """One of the values the validation context lists under ``name``; without a context, any string.

    Unless ``checked``, the value is only documented as a choice and the view checks it (Open311 answers 404).
    ``several``: one or more of them, separated by commas.
    """
    schema = {"type": "string", RUNTIME_LIST if several else RUNTIME_CHOICES: name}

    def check(value: object, info: ValidationInfo) -> str:
        found = _string(value)
        allowed = (info.context or {}).get(name)
        if checked and allowed is not None and not set(found.split(",") if several else [found]) <= set(allowed):
            mismatch(Mismatch.CHOICE, f"one of: {', '.join(allowed)}", choices=list(allowed))
        return found

    return Checked(PlainValidator(check), WithJsonSchema(schema))


def integer(*, minimum: int | None = None, maximum: int | None = None, query: bool = False) -> Checked:
    """A whole number within the bounds: a JSON integer (``2.0`` too) or, in a query string, ASCII digits."""
    schema: dict[str, Any] = {"type": "integer"}
    schema |= {key: bound for key, bound in (("minimum", minimum), ("maximum", maximum)) if bound is not None}

    def check(value: object) -> int:
        number: int
        if query and isinstance(value, str) and INTEGER.fullmatch(value):
            number = int(value)
        elif not query and isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif not query and isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            mismatch(Mismatch.TYPE, "an integer", expected="integer")
        if minimum is not None and number < minimum:
            mismatch(Mismatch.RANGE, f"at least {minimum}", minimum=minimum)
        if maximum is not None and number > maximum:
            mismatch(Mismatch.RANGE, f"at most {maximum}", maximum=maximum)
        return number

    return Checked(PlainValidator(check), WithJsonSchema(schema))


def boolean(*, query: bool = False) -> Checked:
    """A JSON boolean or, in a query string, ``true`` or ``false``."""

    def check(value: object) -> bool:
        if query and value in ("true", "false"):
            return value == "true"
        if not query and isinstance(value, bool):
            return value
        mismatch(Mismatch.TYPE, "true or false", expected="boolean")

    return Checked(PlainValidator(check), WithJsonSchema({"type": "boolean"}))


def _day(value: object) -> date:
    if not DAY.fullmatch(_string(value)):
        mismatch(Mismatch.PATTERN, "a date, YYYY-MM-DD", pattern="YYYY-MM-DD", what="a date")
    try:
        found = date.fromisoformat(str(value))
    except ValueError:
        unusable("not a time this server can use")
    return _in_years(found)


def _moment(value: object) -> datetime:
    if not MOMENT.fullmatch(_string(value)):
        what = "a date and time with an offset (RFC 3339)"
        mismatch(Mismatch.PATTERN, what, pattern="RFC 3339", what=what)
    try:
        found = datetime.fromisoformat(str(value).upper()).astimezone(UTC)
    except (ValueError, OverflowError):
        unusable("not a time this server can use")
    return _in_years(found)


_DAY_SCHEMA = WithJsonSchema({"type": "string", "format": "date"})
Day = Annotated[date, Checked(PlainValidator(_day), _DAY_SCHEMA)]
"""A date, ``YYYY-MM-DD``, in the years people give (``field_rules.YEARS``)."""
MaybeDay = Annotated[date | None, Checked(PlainValidator(_day), _DAY_SCHEMA)]
"""A date, ``YYYY-MM-DD``, in the years people give (``field_rules.YEARS``); ``None`` only as a default."""
Moment = Annotated[
    datetime, Checked(PlainValidator(_moment), WithJsonSchema({"type": "string", "format": "date-time"}))
]
"""An RFC 3339 date and time with its offset, as UTC, in the years people give."""


def _in_years(found: When) -> When:
    if found.year not in YEARS:
        unusable(f"a time from {YEARS[0]} to {YEARS[-1]}")
    return found
