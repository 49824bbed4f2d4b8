"""Turn a Pydantic error location into what the field expects and a valid example,
by walking the schema models along the location."""

from __future__ import annotations

import difflib
import json
import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo


@dataclass(frozen=True)
class Hint:
    expected: str | None = None
    example: str | None = None
    keys: tuple[str, ...] = ()  # allowed keys when the location is a model


def _unwrap(tp: Any) -> tuple[Any, FieldInfo | None]:
    info = None
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            args = get_args(tp)
            info = next((m for m in args[1:] if isinstance(m, FieldInfo)), info)
            tp = args[0]
        elif origin in (Union, types.UnionType):
            non_none = [a for a in get_args(tp) if a is not type(None)]
            if len(non_none) != 1:
                return tp, info
            tp = non_none[0]
        else:
            return tp, info


def _step(tp: Any, key: object) -> tuple[Any, FieldInfo | None] | None:
    tp, _ = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(str(key))
        if field is None:
            return None
        inner, info = _unwrap(field.annotation)
        return field.annotation, field if (field.description or field.examples) else info
    origin, args = get_origin(tp), get_args(tp)
    if origin is list and isinstance(key, int) and args:
        return args[0], _unwrap(args[0])[1]
    if origin is dict and len(args) == 2:
        return args[1], _unwrap(args[1])[1]
    return None


def _example(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def hint_for(root: type[BaseModel], loc: tuple[object, ...]) -> Hint:
    """What the schema says about the node at ``loc`` (best effort, never raises)."""
    tp: Any = root
    info: FieldInfo | None = None
    for key in loc:
        step = _step(tp, key)
        if step is None:
            break
        tp, info = step
    inner, annotated = _unwrap(tp)
    info = info or annotated
    keys = (
        tuple(inner.model_fields)
        if isinstance(inner, type) and issubclass(inner, BaseModel)
        else ()
    )
    if info is None:
        return Hint(keys=keys)
    example = _example(info.examples[0]) if info.examples else None
    return Hint(expected=info.description, example=example, keys=keys)


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
