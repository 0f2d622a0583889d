"""The staff API's blueprint and its description: spectree's checks, the answers each operation lists, JSON errors."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint, Request, Response, request
from pydantic import BaseModel, Field, ValidationError
from spectree import Response as Answers
from werkzeug.exceptions import HTTPException

from ticketing.domain.errors import TicketingError
from ticketing.domain.field_rules import MAX_ID, TICKET_NUMBER
from ticketing.schemas.errors import Error
from ticketing.schemas.fields import anchored
from ticketing.schemas.ticket_requests import CATEGORIES, STATES
from ticketing.web import apidoc
from ticketing.web.api_errors import ApiError, answer, refusal
from ticketing.web.context import service
from ticketing.web.extensions import csrf

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

TicketNumber = Annotated[str, Field(pattern=anchored(TICKET_NUMBER))]
AbsenceId = Annotated[int, Field(ge=1, le=MAX_ID)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]  # a registration, team, item or claim of 双报到
HolidayDay = Annotated[str, Field(pattern=anchored(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"))]
ERRORS = {
    400: "Not JSON (`invalid_json`), a value no request may carry (a control character, text that is not UTF-8, "
    "JSON nested too deep: `invalid_input`), or refused by the rules (`invalid_input`, `invalid_cursor`).",
    401: "No bearer token, or an unknown or revoked one.",
    403: "Not for your role (`forbidden`), or not allowed by the rules (`not_allowed`).",
    404: "No such resource, or none you may see.",
    409: "The ticket changed since the version you sent (reload it), the absence is over, the date already has "
    "a holiday override, a phone is registered already, or an item has fewer places left than claimed.",
    413: "The JSON body is larger than 64 KiB (`payload_too_large`).",
    422: "Fields or parameters that do not fit this description; `details.fields` says which.",
    429: "Too many requests for this token: wait a little.",
}
ANY_CALL = (400, 401, 429)  # an unusable value (a control character), the token, the rate limit
BODY = (413, 422)  # a body too large, or one that does not fit
NUMBER = {"number": "The tracking number."}


def answers(ok: int, model: type[BaseModel], *errors: int, done: str = "Done.") -> Answers:
    """What an operation answers: ``model`` with status ``ok``, these errors and those any call may get."""
    codes = sorted({*errors, *ANY_CALL})
    return Answers(**{f"HTTP_{ok}": (model, done)}, **{f"HTTP_{code}": (Error, ERRORS[code]) for code in codes})


def choices() -> dict[str, list[str]]:
    """The loaded workflows' categories and states, which requests are checked against."""
    catalogue = service().worlds.catalogue
    states = sorted({state for spec in catalogue.workflows.values() for state in spec.states})
    return {CATEGORIES: [category.code for category in catalogue.categories()], STATES: states}


def _checked(req: Request, _response: Any, error: ValidationError | None, *_: Any) -> None:
    """Spectree's hook after validation: refuse a body that is not a JSON object, and what the models refused."""
    if req.method == "POST" and (req.content_length or req.get_data()):
        body = req.get_json(silent=True) if req.is_json else None
        if body is None:
            raise ApiError(400, "invalid_json", "send a JSON object as the body (Content-Type: application/json)")
        if not isinstance(body, dict):
            raise ApiError(422, "invalid_request", "the body must be a JSON object", {"fields": {"": "not an object"}})
    if error is not None:
        raise refusal(error, query=req.method == "GET")


api = apidoc.described(
    title="Ticketing staff API",
    version="1",
    description=(
        "Staff scripts act as the staff member their bearer token was issued to "
        "(`ticketing staff token STAFF_ID`) and see exactly what that person sees in the web UI. "
        'Errors are `{"error": {"code", "message", "details"}}`; '
        "engine messages follow `Accept-Language` (Chinese by default)."
    ),
    choices=choices,
    path_types={
        "number": TicketNumber,
        "absence_id": AbsenceId,
        "day": HolidayDay,
        **dict.fromkeys(("registrant_id", "team_id", "item_id", "claim_id"), RowId),
    },
    bearer=True,
    before=_checked,
    validation_error_model=Error,
)


@bp.errorhandler(ApiError)
@bp.errorhandler(TicketingError)
@bp.errorhandler(HTTPException)
def failed(error: ApiError | TicketingError | HTTPException) -> Response:
    return answer(error)


def unrouted() -> Response | None:
    """Unknown paths and methods under /api/v1 answer in JSON too (routing fails before a blueprint is chosen)."""
    error = request.routing_exception
    under = request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/")
    if under and isinstance(error, HTTPException) and (error.code or 0) >= 400:
        return answer(error)
    return None


# First of the app's request hooks: the hostile-input guard would refuse an unrouted path with an HTML page.
bp.record_once(lambda state: state.app.before_request_funcs.setdefault(None, []).insert(0, unrouted))
