"""OpenAPI 3.1 documents generated from the API models by spectree, which also validates requests with them.

Each API is a ``SpecTree`` in strict mode: its document lists the operations
its ``validate`` decorator marks, with their query, body and answers as the
pydantic models (``ticketing.schemas``) generate them.  Three things are
added here: the validation context carries the choices known only when the
app runs (the workflows' categories and states, the jurisdiction), which the
served document fills in as enums; path parameters get the pydantic type the
view checks them against; and the schemas leave out pydantic's property
titles and null defaults, which say nothing.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import CoreSchema, core_schema
from spectree import SpecTree
from spectree.model_adapter.pydantic_adapter import PydanticModelAdapter
from spectree.models import SecureType, SecurityScheme, SecuritySchemeData
from spectree.plugins.flask_plugin import FlaskPlugin

from ticketing.schemas.fields import RUNTIME_CHOICES, RUNTIME_LIST

Choices = Mapping[str, Sequence[str]]
JSON = dict[str, Any]


class Generator(GenerateJsonSchema):
    """Pydantic's JSON Schema without property titles and ``"default": null`` (an absent field is no value)."""

    def field_title_should_be_set(self, schema: CoreSchema) -> bool:
        return False

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        found = super().default_schema(schema)
        if "default" in found and found["default"] is None:
            del found["default"]
        return found


class Adapter(PydanticModelAdapter):
    """Spectree's pydantic adapter, validating with the runtime choices as context and generating with ``Generator``."""

    def __init__(self, choices: Callable[[], Choices]) -> None:
        super().__init__()
        self.choices = choices

    def validate_obj(self, model: type[Any], value: Any) -> Any:
        if issubclass(model, BaseModel):
            return model.model_validate(value, context=self.choices())
        return super().validate_obj(model, value)

    def json_schema(self, model: type[Any], *, ref_template: str, mode: Any = "validation") -> JSON:
        if issubclass(model, BaseModel):
            return model.model_json_schema(ref_template=ref_template, mode=mode, schema_generator=Generator)
        return super().json_schema(model, ref_template=ref_template, mode=mode)


class Plugin(FlaskPlugin):
    """Spectree's Flask plugin, with path parameters typed as declared (a Werkzeug rule says only "string")."""

    path_types: Mapping[str, Any] = {}

    def parse_path(self, route: Any, path_parameter_descriptions: Mapping[str, str] | None) -> tuple[str, list[JSON]]:
        path, parameters = super().parse_path(route, path_parameter_descriptions)
        for parameter in parameters:
            if parameter["name"] in self.path_types:
                parameter["schema"] = TypeAdapter(self.path_types[parameter["name"]]).json_schema()
        return path, parameters


def described(
    *,
    title: str,
    version: str,
    description: str,
    choices: Callable[[], Choices],
    path_types: Mapping[str, Any],
    bearer: bool = False,
    **options: Any,
) -> SpecTree:
    """A strict ``SpecTree`` for one API; ``options`` go to spectree (hooks, the validation error model)."""
    plugin = type("Plugin", (Plugin,), {"path_types": dict(path_types)})
    security: JSON = {}
    if bearer:
        scheme = SecurityScheme(name="bearerAuth", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer"))
        security = {"security_schemes": [scheme], "security": {"bearerAuth": []}}
    return SpecTree(
        "flask",
        backend=plugin,
        # spectree types this as ModelAdapter[Any, Exception, Any], which its own pydantic adapter does not satisfy
        model_adapter=Adapter(choices),  # type: ignore[arg-type]
        mode="strict",
        title=title,
        version=version,
        description=description,
        naming_strategy=lambda model: model.__name__,
        nested_naming_strategy=lambda _parent, child: child,
        **security,
        **options,
    )


def document(api: SpecTree, choices: Choices) -> JSON:
    """The API's generated document with the runtime choices filled in as enums."""
    found = copy.deepcopy(api.spec)
    _fill(found, choices)
    return found


def _fill(value: Any, choices: Choices) -> None:
    if isinstance(value, dict):
        if RUNTIME_CHOICES in value:
            value["enum"] = list(choices[value.pop(RUNTIME_CHOICES)])
        if RUNTIME_LIST in value:
            one = "|".join(re.escape(choice) for choice in choices[value.pop(RUNTIME_LIST)])
            value["pattern"] = f"^(?:{one})(?:,(?:{one}))*$"
        for item in value.values():
            _fill(item, choices)
    elif isinstance(value, list):
        for item in value:
            _fill(item, choices)
