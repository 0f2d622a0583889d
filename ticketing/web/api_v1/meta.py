"""The description itself, served without a token at ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from pydantic import RootModel
from spectree import Response as Answers

from ticketing.web import apidoc
from ticketing.web.api_v1.blueprint import api, bp, choices


class Description(RootModel[dict[str, Any]]):
    """The OpenAPI 3.1 document."""


@bp.get("/openapi.json")
@api.validate(
    resp=Answers(HTTP_200=(Description, "The OpenAPI 3.1 document.")),
    tags=["meta"],
    security={},
    validation_error_status=200,  # nothing to refuse: no 422 (spectree keeps the declared 200 as it is)
)
def openapi() -> Response:
    """This description"""
    return jsonify(apidoc.document(api, choices()))
