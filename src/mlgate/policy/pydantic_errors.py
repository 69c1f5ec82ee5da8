"""Turn pydantic validation errors into located, readable policy problems."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from mlgate.errors import NodePath, Problem, did_you_mean
from mlgate.policy.source import Marks, nearest


def problems_from_validation(
    exc: ValidationError,
    model: type[BaseModel],
    data: Any,
    marks: Marks,
    display: str,
    prefix: NodePath,
) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located via ``marks``."""
    out: list[Problem] = []
    seen: set[tuple[NodePath, str]] = set()
    for err in exc.errors(include_url=False):
        rel = data_path(data, tuple(err["loc"]))
        message = _message(err, model, rel)
        key = (rel, message)
        if key in seen:
            continue
        seen.add(key)
        path = (*prefix, *rel)
        loc = nearest(marks, path, display)
        out.append(Problem(loc.file, loc.line, loc.column, path, message))
    return out


def data_path(data: Any, loc: tuple[Any, ...]) -> NodePath:
    """The part of a pydantic ``loc`` that names real nodes (drops union-member tags)."""
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and part in node:
            node = node[part]
            out.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            out.append(part)
        elif last and isinstance(node, dict) and isinstance(part, str):
            out.append(part)
    return tuple(out)


def _message(err: Any, model: type[BaseModel], rel: NodePath) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = fields_at(model, rel[:-1])
        hint = did_you_mean(str(rel[-1]), allowed) if rel else ""
        return f"unknown key{hint}" if hint else _unknown(allowed)
    if kind == "missing":
        return "required key is missing"
    if kind == "literal_error":
        return f"must be one of {err['ctx']['expected']}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _mapping_message(err)
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "string_type" and isinstance(err.get("input"), bool):
        msg += " (YAML reads unquoted yes/no/on/off/true/false as booleans: quote it)"
    return msg


def _mapping_message(err: Any) -> str:
    value = err.get("input")
    name = (err.get("ctx") or {}).get("class_name", "")
    if name == "Threshold":
        shown = value if isinstance(value, int | float) and not isinstance(value, bool) else 0.8
        return (
            f"a threshold is a mapping, e.g. `{{min: {shown}}}` or `{{max: {shown}}}`, "
            "not a bare value"
        )
    return f"must be a mapping (`key: value` lines), not {type(value).__name__}"


def _unknown(allowed: list[str]) -> str:
    return f"unknown key; allowed here: {', '.join(allowed)}" if allowed else "unknown key"


def fields_at(model: type[BaseModel], path: NodePath) -> list[str]:
    """Field names of the model found by following ``path`` from ``model``."""
    current: Any = model
    for part in path:
        current = _step(current, part)
        if current is None:
            return []
    models = [m for m in _members(current) if _is_model(m)]
    return sorted({name for m in models for name in m.model_fields})


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _members(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(tp) for m in _members(arg)]
    return [tp]


def _step(tp: Any, part: str | int) -> Any:
    for member in _members(tp):
        if _is_model(member) and isinstance(part, str) and part in member.model_fields:
            return member.model_fields[part].annotation
        origin = typing.get_origin(member)
        args = typing.get_args(member)
        if origin is dict and isinstance(part, str) and len(args) == 2:
            return args[1]
        if origin in (list, tuple) and isinstance(part, int) and args:
            return args[0]
    return None
