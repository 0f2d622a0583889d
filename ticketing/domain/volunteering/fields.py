"""The text fields of 双报到 and the service list: one check for all, naming the field in the reader's words."""

from __future__ import annotations

from ticketing.domain.errors import InvalidInput, Named, NameKind
from ticketing.domain.field_rules import CONTROL


def field(code: str) -> Named:
    """A field's name in a refusal: ``work_unit`` reads 工作单位 on a Chinese page."""
    return Named.one(NameKind.FIELD, code)


def text(code: str, value: str, limit: int, required: bool = True) -> str:
    """``value`` stripped, or InvalidInput: control characters, empty when required, longer than ``limit``."""
    if CONTROL.search(value):
        raise InvalidInput("%(field)s: control characters are not allowed", field=field(code))
    tidy = value.strip()
    if required and not tidy:
        raise InvalidInput("%(field)s: this is required", field=field(code))
    if len(tidy) > limit:
        raise InvalidInput(
            "%(field)s: at most %(limit)d characters, got %(length)d", field=field(code), limit=limit, length=len(tidy)
        )
    return tidy
