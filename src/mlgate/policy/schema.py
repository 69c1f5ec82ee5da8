"""JSON Schema of the policy format, with each gate type's block as one alternative."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from mlgate.gates.registry import available, load_gate
from mlgate.policy.model import PolicyDoc


def policy_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a policy file."""
    gates = [load_gate(name) for name in available()]
    models: list[tuple[type[BaseModel], Literal["validation"]]] = [(PolicyDoc, "validation")]
    models += [(g.config_model, "validation") for g in gates]
    refs, schema = models_json_schema(models, ref_template="#/$defs/{model}")
    defs = schema["$defs"]
    top = dict(defs.pop(PolicyDoc.__name__))
    alternatives = [refs[(g.config_model, "validation")] for g in gates]
    top["properties"] = dict(top["properties"])
    top["properties"]["gates"] = {"type": "array", "items": {"oneOf": alternatives}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **top,
        "title": "mlgate policy",
        "$defs": defs,
    }
