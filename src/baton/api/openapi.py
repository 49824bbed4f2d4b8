"""OpenAPI for bodies we parse ourselves: the schema still documents every field."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from baton.services.records.intake import MAX_BATCH

REF = "#/components/schemas/{model}"
_documented: dict[str, type[BaseModel]] = {}


def batch_body(model: type[BaseModel], batch: bool = True) -> dict[str, Any]:
    """``openapi_extra`` for a JSON body of ``model`` (or ``{"items": [model, …]}``)."""
    _documented[model.__name__] = model
    one = {"$ref": REF.format(model=model.__name__)}
    schema: dict[str, Any] = one
    if batch:
        many = {
            "type": "object",
            "required": ["items"],
            "additionalProperties": False,
            "properties": {"items": {"type": "array", "items": one, "maxItems": MAX_BATCH}},
        }
        schema = {"oneOf": [one, many]}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


ERRORS = {"type": "array", "items": {"$ref": REF.format(model="ValidationError")}}
FIELD_ERROR = {
    "title": "ValidationError",
    "description": "one bad field: where (loc: 'body'/'query'/'path' then the path inside; "
    "a batch item's loc starts at items), the same as one dotted name (field), what is "
    "wrong in words (message) and a machine-readable type. Some carry more, e.g. allowed: "
    "the values that would be accepted.",
    "type": "object",
    "required": ["loc", "field", "message", "type"],
    "properties": {
        "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "field": {"type": "string", "examples": ["email", "items[3].score", "(body)"]},
        "message": {"type": "string"},
        "type": {"type": "string", "examples": ["string_too_long", "missing", "string_nul"]},
    },
}
VALIDATION_ERRORS = {
    "title": "HTTPValidationError",
    "description": "422: each bad field listed",
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": ERRORS},
}
PLAIN_ERROR = {
    "title": "HTTPError",
    "description": "what went wrong, in words (400: the body is not JSON, or nested too deep)",
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {}},
}
BATCH_RESULT = {
    "title": "BatchResult",
    "description": "the answer to {items: [...]}: 422 when every item was rejected",
    "type": "object",
    "required": ["created", "existing", "rejected", "items"],
    "properties": {
        "created": {"type": "integer"},
        "existing": {"type": "integer"},
        "rejected": {"type": "integer"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["index", "status"],
                "properties": {
                    "index": {"type": "integer"},
                    "status": {"enum": ["created", "existing", "rejected"]},
                    "id": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
                    "errors": ERRORS,
                    "warnings": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _document_errors(spec: dict[str, Any]) -> None:
    """Every operation that reads a body or parameters documents the 422 it sends (the
    handler in server.py and the guards in api/body.py, api/guard.py answer
    {detail: [{loc, field, message, type}]}), a batch's 422 as well, and a body's 400."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(
        ValidationError=FIELD_ERROR,
        HTTPValidationError=VALIDATION_ERRORS,
        HTTPError=PLAIN_ERROR,
        BatchResult=BATCH_RESULT,
    )
    invalid = {"$ref": REF.format(model="HTTPValidationError")}
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody")
            if not (body or operation.get("parameters")):
                continue
            responses = operation.setdefault("responses", {})
            schema: dict[str, Any] = invalid
            if "oneOf" in str(body):  # one record or {"items": [...]}
                schema = {"oneOf": [invalid, {"$ref": REF.format(model="BatchResult")}]}
            description = responses.get("422", {}).get("description", "invalid: each bad field")
            responses["422"] = _json(schema, description)
            if body:
                responses.setdefault(
                    "400", _json({"$ref": REF.format(model="HTTPError")}, "the body is not JSON")
                )


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        for name, model in _documented.items():
            body = model.model_json_schema(ref_template=REF)
            schemas.update(body.pop("$defs", {}))
            schemas[name] = body
        _document_errors(spec)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi
