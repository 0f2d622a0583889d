"""Hostile input stops where it enters: URL converters, one request guard and checked JSON bodies.

A value the views cannot use must be refused with a 4xx that says why, never
reach the database as something it cannot hold (PostgreSQL refuses NUL
characters and integers past its column's range) nor blow the parser's stack.

- ``<int:…>`` takes ASCII digits within a database id (1 to 2³¹−1) and
  ``<ticket:…>`` a tracking number such as ``261127-000001``; anything else in
  that part of the path is not found (404).
- Every request: the path and query string must be UTF-8 text without control
  characters; form fields and file names may hold tab and line breaks but no
  other control character (400, with the field named).
- JSON bodies (the staff API's): at most ``MAX_JSON_BYTES`` (413), nested at
  most ``MAX_JSON_DEPTH`` deep, numbers finite (no ``NaN``), and their texts
  follow the form fields' rule (400).  Pages take forms, not JSON (415).
- ``page_number()`` reads a list's ``?page=`` within ``MAX_PAGE``.
"""

from __future__ import annotations

import math
import re
from itertools import accumulate
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, Request, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType
from werkzeug.routing import BaseConverter, IntegerConverter, Map

from ticketing.domain.errors import InvalidInput
from ticketing.domain.field_rules import MAX_ID, MAX_PAGE, TICKET_NUMBER

MAX_JSON_BYTES = 64 * 1024  # the largest API body (a ticket: 4,000 characters of description) fits many times
MAX_JSON_DEPTH = 32
JSON_BLUEPRINTS = frozenset({"api_v1"})
IN_ADDRESS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # tab, line feed and carriage return are text
JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
NOT_A_BRACKET = re.compile(rb"[^\[\]{}]")


class IdConverter(IntegerConverter):
    """``<int:name>``: a database id in ASCII digits, 1 to 2³¹−1 (Unicode digits such as ``²`` or ``٣`` are not)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, min: int = 1, max: int = MAX_ID) -> None:
        super().__init__(map, min=min, max=max)


class TicketNumberConverter(BaseConverter):
    """``<ticket:number>``: a tracking number such as ``261127-000001``, in ASCII digits."""

    regex = TICKET_NUMBER


def register(app: Flask) -> None:
    """Install the converters (before any blueprint adds its rules), the request guard and the JSON checks."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["ticket"] = TicketNumberConverter
    app.request_class = GuardedRequest
    app.before_request(refuse_hostile_input)


def page_number() -> int:
    """The ``page`` query parameter: 1 when absent or not a number, at most ``MAX_PAGE``."""
    value = request.args.get("page", "")
    if not (value.isascii() and value.isdigit()):
        return 1
    return max(1, min(int(value), MAX_PAGE)) if len(value) <= 9 else MAX_PAGE


def refuse_hostile_input() -> None:
    """Refuse a request whose path, query or form holds what no view should have to handle."""
    environ = request.environ
    raw_path = environ.get("PATH_INFO", "").encode("latin-1", "replace")
    raw_query = unquote_to_bytes(environ.get("QUERY_STRING", "").replace("+", " "))
    for raw in (raw_path, raw_query):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("This address is not valid UTF-8 text: check the link.") from None
    for name, value in (("path", request.path), *request.args.items(multi=True)):
        _refuse(IN_ADDRESS, name, value)
    if request.is_json and request.url_rule is not None and request.blueprint not in JSON_BLUEPRINTS:
        raise UnsupportedMediaType(_("This page takes a form, not JSON."))
    for name, value in request.form.items(multi=True):
        _refuse(IN_TEXT, name or "", value or "")  # a malformed multipart part may come without either
    for name, upload in request.files.items(multi=True):
        _refuse(IN_TEXT, name, upload.filename or "")


def _refuse(pattern: re.Pattern[str], name: str, value: str) -> None:
    """InvalidInput naming the field (control characters shown as ``?``) if its name or value matches ``pattern``."""
    if pattern.search(name) or pattern.search(value):
        raise InvalidInput("%(field)s: control characters are not allowed", field=pattern.sub("?", name))


def _check_json_body(raw: bytes) -> None:
    """Refuse a body too large or nested too deep before the recursive parser sees it."""
    if len(raw) > MAX_JSON_BYTES:
        raise RequestEntityTooLarge(f"The JSON body is larger than {MAX_JSON_BYTES:,} bytes.")
    brackets = NOT_A_BRACKET.sub(b"", JSON_STRING.sub(b"", raw))
    depth = max(accumulate(1 if byte in b"[{" else -1 for byte in brackets), default=0)
    if depth > MAX_JSON_DEPTH:
        raise InvalidInput("The JSON body is nested more than %(depth)d levels deep.", depth=MAX_JSON_DEPTH)


def _check_json(value: Any, name: str = "body") -> None:
    """Every text in a parsed body (keys too) follows the form fields' rule; numbers are finite."""
    if isinstance(value, str):
        _refuse(IN_TEXT, name, value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput("%(field)s: NaN and Infinity are not JSON numbers.", field=name)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, name)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse(IN_TEXT, key, key)
            _check_json(item, key)


class GuardedRequest(Request):
    """Flask's request whose JSON body is checked before parsing (size, depth) and after (texts, numbers)."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        if force or self.is_json:
            _check_json_body(self.get_data(cache=True))
        value = super().get_json(force=force, silent=silent, cache=cache)
        _check_json(value)
        return value
