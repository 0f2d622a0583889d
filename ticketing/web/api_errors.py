"""How the staff API says no: ``{"error": {"code", "message", "details"}}`` with its status, for every failure.

Engine errors get their status from ``status_of`` and their message, in the
caller's language, from ``message_of``.  A request the models refuse is 422
``invalid_request`` with each field's problem in ``details.fields``; one that
fits them but cannot be used (a blank text, a time out of range) is 400
``invalid_input``, likewise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ticketing.domain.errors import Conflict, InvalidInput, Named, NotAllowed, NotFound, TicketingError
from ticketing.schemas.fields import UNUSABLE
from ticketing.web.errors import message_of, status_of

DOMAIN_CODES: dict[type[TicketingError], str] = {
    InvalidInput: "invalid_input",
    NotAllowed: "not_allowed",
    NotFound: "not_found",
    Conflict: "conflict",
}
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal_error",
}
PYDANTIC_PROBLEMS = {"missing": "required", "extra_forbidden": "unknown field"}


class ApiError(Exception):
    """A refusal by the API itself (credentials, role, the shape of a request), with its status and code."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = dict(details or {})
        self.headers = dict(headers or {})


def refusal(error: ValidationError, *, query: bool) -> ApiError:
    """The API's answer to a request its models refuse: 422 if anything does not fit, else 400."""
    unfit: dict[str, str] = {}
    unusable: dict[str, str] = {}
    for found in error.errors(include_url=False):
        context = found.get("ctx") or {}
        name = ".".join(str(part) for part in found["loc"]) or context.get("field", "")
        problem = PYDANTIC_PROBLEMS.get(found["type"], found["msg"])
        if found["type"] == "extra_forbidden" and query:
            problem = "unknown parameter"
        (unusable if found["type"] == UNUSABLE else unfit)[name] = problem
    if unfit:
        return ApiError(422, "invalid_request", "some values do not fit the API description", {"fields": unfit})
    return ApiError(400, "invalid_input", "some values cannot be used", {"fields": unusable})


def _plain(value: object) -> object:
    """A value as JSON can carry it."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Named):
        return value.codes[0] if value.single else list(value.codes)
    return str(value)


def answer(error: ApiError | TicketingError | HTTPException) -> Response:
    """Any failure as the API's error document."""
    headers: dict[str, str] = {}
    if isinstance(error, ApiError):
        status, code, message, details, headers = error.status, error.code, error.message, error.details, error.headers
    elif isinstance(error, TicketingError):
        status, message = status_of(error), message_of(error)
        code = next((name for kind, name in DOMAIN_CODES.items() if isinstance(error, kind)), "invalid_input")
        details = {key: _plain(value) for key, value in error.params.items()}
    else:
        status = error.code or 500
        code = HTTP_CODES.get(status) or re.sub(r"\W+", "_", error.name.lower()).strip("_")
        messages = {
            403: _("You may not open this page."),
            404: _("There is nothing here."),
            405: _("That is not how this page is used."),
            429: _("Too many attempts. Wait a little and try again."),
        }
        message = messages.get(status, error.description or error.name)
        details = {"limit": error.description} if status == 429 else {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
    response = jsonify(error={"code": code, "message": message, "details": details})
    response.status_code = status
    response.headers.update(headers)
    return response
