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
        app.openapi_schema = spec
        return spec

    app.openapi = openapi
